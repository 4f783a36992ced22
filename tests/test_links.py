"""Which links may leave the app."""

import pytest

from reader_app.links import check_link


@pytest.mark.parametrize(
    "uri",
    [
        "https://socitm.net/resource-hub/",
        "http://example.org/a?b=1",
        "HTTPS://EXAMPLE.ORG",
        "mailto:team@example.org",
        "  https://example.org/padded  ",
    ],
)
def test_web_and_email_links_are_allowed(uri: str) -> None:
    assert check_link(uri).allowed


@pytest.mark.parametrize(
    ("uri", "reason"),
    [
        ("file:///etc/passwd", "file:"),
        ("FILE:///C:/Windows/system.ini", "file:"),
        ("javascript:alert(1)", "javascript:"),
        ("data:text/html,<script>x</script>", "data:"),
        ("smb://server/share", "smb:"),
        ("ftp://example.org/file", "ftp:"),
        ("relative/path.html", "no scheme"),
        ("https:///no-host", "no host"),
        ("mailto:", "no address"),
        ("https://exa\nmple.org", "control characters"),
        ("http://[::1", "not a valid address"),
    ],
)
def test_everything_else_is_refused_with_a_reason(uri: str, reason: str) -> None:
    check = check_link(uri)
    assert not check.allowed
    assert reason in check.reason

#!/bin/sh
# Installs Resource Reader from this unpacked tarball, for you alone (the default) or for
# everyone on the computer (--system, as root), and registers it with the desktop: its menu
# entry, icon, the .rrpack file type and resource-reader: links.
#
#   ./install.sh                    you alone: ~/.local/lib/reader-app, ~/.local/bin/reader-app
#                                   and the desktop files in ${XDG_DATA_HOME:-~/.local/share}
#   sudo ./install.sh --system      everyone: /usr/local/lib/reader-app, /usr/local/bin, /usr/local/share
#   ./install.sh --prefix DIR       DIR/lib/reader-app, DIR/bin, DIR/share (for packagers)
#
# Installing again replaces the program (an upgrade). Your library (notes, documents,
# settings) is kept elsewhere and never touched. uninstall.sh, copied beside the program,
# takes it away again.
set -eu

APP_ID=@APP_ID@
PACK_TYPE=application/x-resource-reader-pack
LINK_TYPE=x-scheme-handler/resource-reader
EXECUTABLE=reader-app

usage() {
    sed -n '2,13s/^# \{0,1\}//p' "$0"
}

system=no
prefix=
while [ $# -gt 0 ]; do
    case $1 in
        --system) system=yes ;;
        --prefix) [ $# -ge 2 ] || { echo "install.sh: --prefix needs a folder" >&2; exit 2; }
                  prefix=$2; shift ;;
        --prefix=*) prefix=${1#--prefix=} ;;
        -h|--help) usage; exit 0 ;;
        *) echo "install.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
    shift
done

here=$(cd "$(dirname "$0")" && pwd)
if [ ! -x "$here/lib/reader-app/$EXECUTABLE" ]; then
    echo "install.sh: run me from the unpacked tarball (no lib/reader-app/$EXECUTABLE beside me)" >&2
    exit 1
fi

for_user=no
if [ -n "$prefix" ] || [ "$system" = yes ]; then
    prefix=${prefix:-/usr/local}
    bin=$prefix/bin
    lib=$prefix/lib/reader-app
    share=$prefix/share
else
    : "${HOME:?install.sh: HOME is not set}"
    for_user=yes
    bin=$HOME/.local/bin
    lib=$HOME/.local/lib/reader-app
    share=${XDG_DATA_HOME:-$HOME/.local/share}
fi
# The menu entry runs the program by its full path, quoted, and uninstall.sh is told the
# folders: refuse what cannot be written there as it is.
for dir in "$bin" "$lib" "$share"; do
    case $dir in
        /*) ;;
        *) echo "install.sh: not an absolute folder: '$dir'" >&2; exit 2 ;;
    esac
    case $dir in
        *[\"\'\`\$\\%\&\|]*)
            echo "install.sh: a folder may not hold any of \" ' \` \$ \\ % & |: $dir" >&2
            exit 2 ;;
    esac
done

echo "Installing Resource Reader in $lib"
mkdir -p "$bin" "$(dirname "$lib")" "$share"
# The program: a fresh copy beside the old one, then swapped in.
rm -rf "$lib.new"
cp -R "$here/lib/reader-app" "$lib.new"
# Its uninstall.sh knows where everything went.
sed -e "s|^installed_bin=\$|installed_bin='$bin'|" \
    -e "s|^installed_lib=\$|installed_lib='$lib'|" \
    -e "s|^installed_share=\$|installed_share='$share'|" \
    -e "s|^installed_for_user=\$|installed_for_user=$for_user|" \
    "$here/uninstall.sh" > "$lib.new/uninstall.sh"
chmod 755 "$lib.new/uninstall.sh"
rm -rf "$lib"
mv "$lib.new" "$lib"
ln -sf "$lib/$EXECUTABLE" "$bin/$EXECUTABLE"

# The desktop files; the menu entry names the program by its full path, so it starts
# whether or not $bin is on the desktop session's PATH.
(cd "$here/share" && find . -type f) | while IFS= read -r file; do
    mkdir -p "$share/$(dirname "$file")"
    cp "$here/share/$file" "$share/$file"
    chmod 644 "$share/$file"
done
# (Quoted only if it must be: xdg-open's fallback for desktops it does not know reads
# the program as the first word, quotes and all.)
case $lib in
    *" "*) program="\"$lib/$EXECUTABLE\"" ;;
    *) program=$lib/$EXECUTABLE ;;
esac
desktop=$share/applications/$APP_ID.desktop
sed -e "s|^Exec=$EXECUTABLE |Exec=$program |" \
    -e "s|^TryExec=$EXECUTABLE\$|TryExec=$lib/$EXECUTABLE|" \
    "$here/share/applications/$APP_ID.desktop" > "$desktop"

# Tell the desktop: menus, file types, icons; and, for you, open .rrpack files and
# resource-reader: links with Resource Reader.
have() { command -v "$1" >/dev/null 2>&1; }
if have update-desktop-database; then update-desktop-database -q "$share/applications" || true; fi
if have update-mime-database; then update-mime-database "$share/mime" >/dev/null || true; fi
if [ -f "$share/icons/hicolor/index.theme" ] && have gtk-update-icon-cache; then
    gtk-update-icon-cache -q -t -f "$share/icons/hicolor" || true
fi
touch "$share/icons/hicolor" 2>/dev/null || true
if [ "$for_user" = yes ]; then
    if have xdg-mime; then
        xdg-mime default "$APP_ID.desktop" "$LINK_TYPE" "$PACK_TYPE" || true
    else
        echo "xdg-mime not found: resource-reader: links may not open the app (install xdg-utils)"
    fi
fi

echo "Installed. Start it from your desktop's menu, or run: $bin/$EXECUTABLE"
case ":${PATH:-}:" in
    *":$bin:"*) ;;
    *) echo "($bin is not on your PATH; add it to run '$EXECUTABLE' by name.)" ;;
esac
echo "To uninstall: $lib/uninstall.sh"

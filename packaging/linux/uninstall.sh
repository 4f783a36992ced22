#!/bin/sh
# Removes Resource Reader as install.sh put it in: the program, its command, menu entry,
# icons, file type and metadata. Your library is never touched: your notes, documents and
# settings stay in ~/.local/share/resource-reader, ~/.config/resource-reader and
# ~/.cache/resource-reader (or your --data-dir) until you delete them yourself.
#
#   uninstall.sh                the copy install.sh left beside the program knows where it went;
#                               from the tarball, as for ./install.sh: you alone
#   uninstall.sh --system       as for install.sh --system
#   uninstall.sh --prefix DIR   as for install.sh --prefix DIR
set -eu

APP_ID=@APP_ID@
PACK_ICON=application-x-resource-reader-pack
EXECUTABLE=reader-app

# Set by install.sh in the copy it installs.
installed_bin=
installed_lib=
installed_share=
installed_for_user=

usage() {
    sed -n '2,11s/^# \{0,1\}//p' "$0"
}

system=no
prefix=
while [ $# -gt 0 ]; do
    case $1 in
        --system) system=yes ;;
        --prefix) [ $# -ge 2 ] || { echo "uninstall.sh: --prefix needs a folder" >&2; exit 2; }
                  prefix=$2; shift ;;
        --prefix=*) prefix=${1#--prefix=} ;;
        -h|--help) usage; exit 0 ;;
        *) echo "uninstall.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
    shift
done

if [ -n "$prefix" ] || [ "$system" = yes ]; then
    prefix=${prefix:-/usr/local}
    bin=$prefix/bin
    lib=$prefix/lib/reader-app
    share=$prefix/share
    for_user=no
elif [ -n "$installed_lib" ]; then
    bin=$installed_bin
    lib=$installed_lib
    share=$installed_share
    for_user=$installed_for_user
else
    : "${HOME:?uninstall.sh: HOME is not set}"
    bin=$HOME/.local/bin
    lib=$HOME/.local/lib/reader-app
    share=${XDG_DATA_HOME:-$HOME/.local/share}
    for_user=yes
fi

echo "Removing Resource Reader from $lib"
# Only what install.sh made, each by its name.
if [ -L "$bin/$EXECUTABLE" ] && [ "$(readlink "$bin/$EXECUTABLE")" = "$lib/$EXECUTABLE" ]; then
    rm -f "$bin/$EXECUTABLE"
fi
rm -f "$share/applications/$APP_ID.desktop" \
    "$share/metainfo/$APP_ID.metainfo.xml" \
    "$share/mime/packages/$APP_ID.xml"
for folder in "$share"/icons/hicolor/*/apps "$share"/icons/hicolor/*/mimetypes; do
    [ -d "$folder" ] || continue
    rm -f "$folder/$APP_ID.png" "$folder/$APP_ID.svg" "$folder/$PACK_ICON.png" "$folder/$PACK_ICON.svg"
done
if [ -x "$lib/$EXECUTABLE" ]; then  # the program's own folder, nothing else
    rm -rf "$lib"
fi

have() { command -v "$1" >/dev/null 2>&1; }
if have update-desktop-database && [ -d "$share/applications" ]; then
    update-desktop-database -q "$share/applications" || true
fi
if have update-mime-database && [ -d "$share/mime/packages" ]; then
    update-mime-database "$share/mime" >/dev/null || true
fi
if [ -f "$share/icons/hicolor/index.theme" ] && have gtk-update-icon-cache; then
    gtk-update-icon-cache -q -t -f "$share/icons/hicolor" || true
fi

echo "Removed. Your library is kept; to delete it too, remove these folders yourself:"
if [ "$for_user" = yes ]; then
    echo "  ${XDG_DATA_HOME:-$HOME/.local/share}/resource-reader"
    echo "  ${XDG_CONFIG_HOME:-$HOME/.config}/resource-reader"
    echo "  ${XDG_CACHE_HOME:-$HOME/.cache}/resource-reader"
else
    echo "  each person's ~/.local/share/resource-reader, ~/.config/resource-reader and ~/.cache/resource-reader"
fi

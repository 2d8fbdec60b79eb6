#!/usr/bin/env bash
# The installed program, as a new user gets it: `meson install` into a
# staged DESTDIR, then `crpv init` and `crpv build` from an empty folder
# elsewhere; the man page, the completion, a moved prefix.
# Arguments: the meson command, the build folder, the configured prefix.
set -euo pipefail
meson=$1
build=$2
prefix=$3
unset CRPV_DATADIR
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

DESTDIR="$tmp/stage" "$meson" install -C "$build" --no-rebuild --quiet >/dev/null
P="$tmp/stage$prefix"
crpv="$P/bin/crpv"
[ -x "$crpv" ] || fail "no $crpv"
for f in share/man/man1/crpv.1 share/bash-completion/completions/crpv \
         share/crpv/geo/regions-avec-outre-mer.shp share/crpv/geo/LICENCE.md \
         share/crpv/fonts/Lato-Regular.ttf share/crpv/modeles/data/centres.csv \
         share/crpv/modeles/data/style.ini share/crpv/modeles/output/README.md; do
  [ -e "$P/$f" ] || fail "not installed: $f"
done

# The bar: init then build, from an empty folder elsewhere.
mkdir "$tmp/ailleurs"
cd "$tmp/ailleurs"
"$crpv" init reseau > "$tmp/init.out"
grep -q "cd reseau" "$tmp/init.out" || fail "init does not say what to do next"
cd reseau
for f in data/centres.csv data/brochure.md data/style.ini output/README.md; do
  [ -s "$f" ] || fail "init did not write $f"
done
"$crpv" build -q
for f in brochure.pdf carte.png carte@2x.png carte.svg carte.html; do
  [ -s "output/$f" ] || fail "build did not write output/$f"
done
head -c 5 output/brochure.pdf | grep -q '%PDF-' || fail "brochure.pdf is not a PDF"
[ "$(head -c 4 output/carte.png | tail -c 3)" = PNG ] || fail "carte.png is not a PNG"

# The installed data is the project's: the same outputs, byte for byte,
# as the program built in the source tree gives (SOURCE_DATE_EPOCH is set).
(cd "$CRPV_SOURCE_ROOT" && "$CRPV_EXE" build -q --out "$tmp/reference")
for f in "$tmp"/reference/*; do
  cmp -s "$f" "output/$(basename "$f")" || fail "output/$(basename "$f") differs from the source tree's"
done

# A moved prefix still finds its data next to the program.
mv "$tmp/stage" "$tmp/moved"
moved="$tmp/moved$prefix/bin/crpv"
"$moved" check -q || fail "the moved program does not find its data"
rm -rf "$tmp/moved$prefix/share/crpv"
cd "$tmp/ailleurs/reseau"
if "$moved" check -q 2> "$tmp/err"; then
  # Only possible when a copy is installed at the compile-time prefix.
  [ -d "$prefix/share/crpv" ] || fail "check passed without its data"
else
  grep -q "cherché : ./geo, $tmp/moved$prefix/share/crpv/geo" "$tmp/err" \
    || fail "the lookup does not start next to the program: $(cat "$tmp/err")"
  [ "$(wc -l < "$tmp/err")" -eq 1 ] || fail "more than one line: $(cat "$tmp/err")"
fi

# Outside a working folder: one line, which names the fix.
mkdir "$tmp/vide"
cd "$tmp/vide"
if "$moved" build 2> "$tmp/err"; then fail "build outside a working folder"; fi
[ "$(wc -l < "$tmp/err")" -eq 1 ] || fail "more than one line: $(cat "$tmp/err")"
grep -q "crpv init" "$tmp/err" || fail "no hint: $(cat "$tmp/err")"

# The man page: every section, and no warning from man.
man_page="$tmp/moved$prefix/share/man/man1/crpv.1"
for section in NOM SYNOPSIS DESCRIPTION COMMANDES OPTIONS FICHIERS "CODE DE RETOUR" \
               ENVIRONNEMENT EXEMPLES; do
  grep -q "^\.SH \"\?$section\"\?\$" "$man_page" || fail "man page without $section"
done
grep -q 'SOURCE\\_DATE\\_EPOCH\|SOURCE_DATE_EPOCH' "$man_page" || fail "man page without SOURCE_DATE_EPOCH"
LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$man_page" > "$tmp/man.txt" 2> "$tmp/man.err"
[ ! -s "$tmp/man.err" ] || fail "man warnings: $(cat "$tmp/man.err")"
grep -q "crpv init reseau" "$tmp/man.txt" || fail "man page rendered without its examples"

# The completion: commands, options, file kinds.
mkdir -p "$tmp/comp/sous-dossier"
touch "$tmp/comp/annuaire.csv" "$tmp/comp/classeur.ods" "$tmp/comp/notes.txt" "$tmp/comp/regions.shp"
cd "$tmp/comp"
bash --norc --noprofile -c '
  source "$1"
  complete -p crpv | grep -q -- "-F _crpv crpv" || { echo "not registered"; exit 1; }
  t() {
    expected=$1; shift
    COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()
    _crpv
    got=$(printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " ")
    [ "$got" = "$expected" ] || { echo "[$*]: got \"$got\", expected \"$expected\""; exit 1; }
  }
  t "brochure build " crpv b
  t "brochure build check init map watch " crpv ""
  t "--centres " crpv check --ce
  t "annuaire.csv classeur.ods sous-dossier " crpv check --centres ""
  t "regions.shp sous-dossier " crpv --regions ""
  t "pdf png svg " crpv brochure --format ""
  t "html pdf png svg " crpv map --format ""
  t "sous-dossier " crpv init ""
  t "brochure build " crpv --data x b
' bash "$tmp/moved$prefix/share/bash-completion/completions/crpv" || fail "completion"
echo "ok"

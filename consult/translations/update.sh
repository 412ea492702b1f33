#!/usr/bin/env bash
# Refresh the English interface catalog. Run it from anywhere after adding or changing UI strings:
#
#     consult/translations/update.sh
#
# 1. extract: every msgid in consult/**.py and templates/**.html (babel.cfg) -> messages.pot
# 2. update:  merge the template into en/LC_MESSAGES/messages.po; new or changed strings arrive with
#             an empty msgstr (no fuzzy guessing: short Chinese msgids match each other too loosely),
#             strings that left the code are dropped
# 3. compile: en/LC_MESSAGES/messages.mo, which Flask-Babel loads at run time
#
# Then write the English for every empty msgstr in messages.po, run this script again to recompile, and
# commit messages.pot, messages.po and messages.mo together. tests/core/test_translations.py fails while
# any msgid lacks an English msgstr, while an entry is marked fuzzy, when a msgstr drops or adds a
# placeholder, or when messages.mo no longer matches messages.po.
#
# Babel's default keywords (pgettext among them) stay on: a msgid that needs two English renderings gets
# a context, e.g. {{ pgettext('navigation', '草案') }} "Drafts" beside _('草案') "Draft".
#
# Source strings are Simplified Chinese (the msgids); keep every %(name)s / {name} placeholder in the
# English text. Domain terms: see the glossary in the project design notes (草案 draft, 条 article,
# 款 paragraph, 项 item, 联系点 contact point, 联络员 facilitator, 回执编号 receipt code ...).
set -euo pipefail
cd "$(dirname "$0")/../.."

dir=consult/translations
keywords=(-k _ -k _l -k gettext -k lazy_gettext -k 'ngettext:1,2' -k 'lazy_ngettext:1,2')

pybabel -q extract -F "$dir/babel.cfg" "${keywords[@]}" --ignore-dirs '.* ._ node_modules' \
    --project consult --copyright-holder "consult contributors" --sort-by-file --width 100 \
    -o "$dir/messages.pot" .

if [ -f "$dir/en/LC_MESSAGES/messages.po" ]; then
    pybabel -q update -i "$dir/messages.pot" -d "$dir" -l en --width 100 --ignore-obsolete \
        --no-fuzzy-matching
else
    pybabel -q init -i "$dir/messages.pot" -d "$dir" -l en --width 100
fi

pybabel compile -d "$dir" -l en --statistics

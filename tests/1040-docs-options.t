#!/bin/sh
# Every long option in a program's getopt_long table is described in its
# man page, and every one without a short letter is named by its -h (the
# others show there as their letter); getopt's own messages start "prog:".
# feed's --venues is the configuration key "venues" (arb-feed(1), -c),
# described as that.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
command -v mandoc >/dev/null 2>&1 || skip_all "mandoc not installed"

for p in feed detect exec store report; do
	command -v "arb-$p" >/dev/null 2>&1 || skip_all "arb-$p not built"
	# (without the overstrikes of bold and underline)
	mandoc -Tascii "$top_srcdir/man/arb-$p.1" | sed 's/.\x08//g' >"$T/$p.man"
	"arb-$p" -h >"$T/$p.help" 2>&1
	# { "name", x_argument, NULL, VAL }: VAL a 'c' letter or an O_ name
	sed -n '/longopts\[\] *=/,/^[[:space:]]*};/p' "$top_srcdir/bin/arb-$p.c" |
	    sed -n 's/.*{ *"\([a-z0-9-]*\)", *[a-z_]*, *NULL, *\([^ }]*\) *}.*/\1 \2/p' >"$T/$p.opts"
	test -s "$T/$p.opts"
	ok $? "arb-$p: the option table is found"
	while read -r name val; do
		[ "$p $name" = "feed venues" ] && continue
		grep -Eq -- "--$name([^a-z0-9-]|\$)" "$T/$p.man"
		ok $? "arb-$p(1) describes --$name"
		case $val in "'"*) continue ;; esac
		grep -Eq -- "--$name([^a-z0-9-]|\$)" "$T/$p.help"
		ok $? "arb-$p -h names --$name"
	done <"$T/$p.opts"
	# diagnostics are "prog: message" (arbitron(7)), getopt's too, also
	# when the program is run by its path
	"$(command -v "arb-$p")" --no-such-option </dev/null >/dev/null 2>"$T/$p.err"
	is "$(head -n 1 "$T/$p.err")" "arb-$p: unrecognized option '--no-such-option'" \
	    "arb-$p run by its path: an unknown option is named after arb-$p:"
done
done_testing

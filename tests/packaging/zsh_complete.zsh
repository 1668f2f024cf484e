#!/usr/bin/zsh -f
# zsh_complete.zsh DIR LINE - prints, one a line, the matches zsh's completion
# system offers for LINE (typed at an interactive prompt, then Tab) with the
# completion functions in DIR first on $fpath.  It runs zsh on a pseudo-tty
# (zsh/zpty) and wraps compadd so every match it is handed is printed.
zmodload zsh/zpty || exit 77
dir=$1 line=$2
zpty cc zsh -f -i
zpty -w cc "fpath=(${(q)dir} \$fpath); autoload -Uz compinit; compinit -u -D"
# The markers are split in the source so the echoed definition never matches.
zpty -w cc 'compadd() { local -a m; builtin compadd -O m "$@"; local x; for x in $m; do print -r -- "<M""M>$x</M""M>"; done; builtin compadd "$@"; }'
zpty -w cc "print '<RE''ADY>'"
# Wait for the shell to settle: typeahead sent before the prompt is dropped.
out=
for i in {1..200}; do
  if zpty -r -t cc chunk; then out+=$chunk; else sleep 0.05; fi
  [[ $out == *'<READY>'* ]] && break
done
zpty -n -w cc "$line"$'\t'
zpty -w cc $'\C-u'"print '<DO''NE>'"
out=
for i in {1..200}; do
  if zpty -r -t cc chunk; then out+=$chunk; else sleep 0.05; fi
  [[ $out == *'<DONE>'* ]] && break
done
zpty -d cc
[[ $out == *'<DONE>'* ]] || { print -u2 "zsh_complete: no answer from zsh for: $line"; exit 1; }
print -r -- "$out" | grep -o '<MM>[^<]*</MM>' | sed -e 's/^<MM>//' -e 's/<\/MM>$//' | sort -u

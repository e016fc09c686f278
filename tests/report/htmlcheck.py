#!/usr/bin/env python3
"""htmlcheck.py FILE: checks that an HTML5 page is well nested (every
non-void element closed in order), uses no element that loads anything
(script, link, img, iframe, object, embed, audio, video, source) and no
src/href attribute.  Prints the reasons and exits 1 on a problem."""
import sys
from html.parser import HTMLParser

VOID = {'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta',
        'source', 'track', 'wbr'}
LOADS = {'script', 'link', 'img', 'iframe', 'object', 'embed', 'audio', 'video', 'source'}
# SVG elements written self-closed or closed explicitly.
SVGSELF = {'rect', 'line', 'polyline', 'path', 'circle'}


class P(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors = [], []

    def handle_starttag(self, tag, attrs):
        if tag in LOADS:
            self.errors.append('line %d: <%s> loads a resource' % (self.getpos()[0], tag))
        for k, _ in attrs:
            if k in ('src', 'href', 'xlink:href'):
                self.errors.append('line %d: attribute %s' % (self.getpos()[0], k))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        if tag in LOADS:
            self.errors.append('line %d: <%s> loads a resource' % (self.getpos()[0], tag))

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append('line %d: </%s> does not close <%s>' %
                               (self.getpos()[0], tag, self.stack[-1] if self.stack else ''))
            return
        self.stack.pop()


def main():
    p = P()
    p.feed(open(sys.argv[1], encoding='utf-8').read())
    p.close()
    if p.stack:
        p.errors.append('unclosed: %s' % ' '.join(p.stack))
    for e in p.errors[:20]:
        print(e)
    return 1 if p.errors else 0


if __name__ == '__main__':
    sys.exit(main())

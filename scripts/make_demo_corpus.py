# Copyright (c) 2026 The HGRN reproduction authors. MIT licence.
"""Build the shipped offline LM corpus data/demo/wikitext-demo/ (run once; needs `pip install gensim`).

Source: the 106-article English Wikipedia dump excerpt that gensim ships as test data
(gensim/test/test_data/enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2),
CC BY-SA 3.0 / GFDL, by Wikipedia's contributors. Markup is stripped with gensim's filter_wiki,
then the text is written in the WikiText-103 format: one paragraph a line, ` = Title = ` and
` = = Section = = ` headings, tokens separated by spaces, `@-@` / `@,@` / `@.@` inside words and
numbers. Articles go to train / valid / test by page order (every 20th at offset 7 to valid,
at offset 13 to test). Output: wiki.{train,valid,test}.tokens.xz and their statistics.
"""
import bz2
import lzma
import os
import re
import sys

from gensim.corpora.wikicorpus import extract_pages, filter_wiki
from gensim.test.utils import datapath

SOURCE = "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "demo", "wikitext-demo")


def tokenize(text: str) -> str:
    text = text.replace("'''", "").replace("''", "")  # wiki bold and italics
    text = re.sub(r"(?<=\d),(?=\d)", " @,@ ", text)
    text = re.sub(r"(?<=\d)\.(?=\d)", " @.@ ", text)
    text = re.sub(r"(?<=\w)-(?=\w)", " @-@ ", text)
    text = re.sub(r"([.,;:!?()\[\]\"])", r" \1 ", text)
    text = re.sub(r"'s\b", " 's", text)
    return " ".join(text.split())


def article_lines(title: str, wikitext: str):
    lines = [f" = {tokenize(title)} = ", " "]
    for raw in filter_wiki(wikitext).splitlines():
        raw = raw.strip()
        heading = re.fullmatch(r"(=+)\s*(.*?)\s*=+", raw)
        if heading:
            depth = len(heading.group(1))
            mark = " ".join(["="] * depth)
            lines += [f" {mark} {tokenize(heading.group(2))} {mark} ", " "]
        elif len(raw.split()) >= 8 and not raw.startswith(("*", "|", "{", "!", "Category:", "File:", "Image:")):
            lines += [" " + tokenize(raw) + " ", " "]
    return lines


def main():
    splits = {"train": [], "valid": [], "test": []}
    kept = 0
    with bz2.open(datapath(SOURCE)) as f:
        for title, text, _ in extract_pages(f):
            if text.lower().startswith("#redirect") or len(text) < 2000:
                continue
            split = "valid" if kept % 20 == 7 else "test" if kept % 20 == 13 else "train"
            splits[split] += article_lines(title, text)
            kept += 1
    os.makedirs(OUT, exist_ok=True)
    for split, lines in splits.items():
        data = ("\n".join(lines) + "\n").encode()
        with lzma.open(os.path.join(OUT, f"wiki.{split}.tokens.xz"), "wb", preset=9) as f:
            f.write(data)
        n_tok = sum(len(line.split()) for line in lines)
        print(f"{split}: {sum(1 for x in lines if x.startswith(' = ') and not x.startswith(' = ='))} articles, "
              f"{len(lines)} lines, {n_tok} tokens", file=sys.stderr)


if __name__ == "__main__":
    main()

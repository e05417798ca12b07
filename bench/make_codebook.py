"""Generate a code-heavy mdBook for benchmarks, of the real-world book class.

    python bench/make_codebook.py OUT_FOLDER [--chapters 20] [--sections 4] [--words 1700]

The layout is an mdBook's as it stands (book.toml, src/SUMMARY.md with a
prefix chapter, parts, nested chapters and suffix appendices): each chapter
is a folder of files (src/partN/chNN-00-name.md and its sections in
src/partN/chNN/), with fenced code in several languages (Rust blocks with
hidden lines, listings taken in with {{#include}} and anchors), tables,
footnotes, links between files written as mdBook writes them (.md and
.html, with heading anchors) and a few images drawn here. The defaults make
about 105 files and 180,000 words (code included), the size of the Rust book. The text is
deterministic (a seeded generator), so every run benchmarks the same book.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

PROSE = (
    "the compiler checks every reference before the program runs and reports the place where a value is "
    "borrowed after it moved so the error names the variable the function and the line where ownership "
    "changed hands a structure groups related fields under one name and an enumeration lists the variants "
    "a value can take each with its own data the standard library provides vectors strings and hash maps "
    "that grow at run time while slices borrow a contiguous part of a collection without copying it "
    "iterators are lazy adapters such as map filter and zip build a pipeline that does nothing until a "
    "consumer like collect or sum drives it threads share data through channels or through a mutex behind "
    "an atomic reference count and the type system refuses programs that would race on memory traits "
    "describe behaviour that several types have in common generic functions accept any type that implements "
    "the trait and the compiler generates specialised code for each concrete type at compile time lifetimes "
    "annotate how long references stay valid relative to one another so that no reference outlives its data "
    "modules and crates organise larger programs with paths visibility and a package manifest that names "
    "dependencies and their versions testing is built into the toolchain with unit tests beside the code and "
    "integration tests in their own directory documentation comments become a website and their examples "
    "are compiled and run as tests pattern matching destructures values and the compiler insists that every "
    "possible case is handled errors are values recoverable ones returned as results and unrecoverable ones "
    "stop the thread with a message closures capture their environment by reference by mutable reference or "
    "by value smart pointers like boxes reference counted pointers and cells move checks to run time when "
    "the borrow rules are too strict for a design"
).split()

HEADS = (
    "ownership borrowing lifetimes traits generics closures iterators modules crates testing errors "
    "patterns vectors strings maps threads channels mutexes boxes cells macros slices structs enums "
    "options results packages workspaces documentation benchmarks allocation"
).split()

RUST = """use std::collections::HashMap;

// ANCHOR: {name}
fn {name}(words: &[&str]) -> HashMap<String, usize> {{
    let mut counts = HashMap::new();
    for word in words {{
        *counts.entry(word.to_lowercase()).or_insert(0) += 1;
    }}
    counts
}}
// ANCHOR_END: {name}

fn main() {{
    let text = "the quick brown fox jumps over the lazy dog the end";
    let words: Vec<&str> = text.split_whitespace().collect();
    let counts = {name}(&words);
    println!("{{:?}}", counts.get("the"));
}}
"""


def sentence(rng: random.Random) -> str:
    start = rng.randrange(len(PROSE) - 30)
    words = PROSE[start : start + rng.randint(10, 26)]
    if rng.random() < 0.25:
        at = rng.randrange(len(words))
        words[at] = f"`{words[at]}`"
    return " ".join(words).capitalize() + rng.choice([".", ".", ".", ":", "?"]).replace(":", ".")


def paragraph(rng: random.Random, words: int = 80) -> str:
    out: list[str] = []
    while sum(s.count(" ") + 1 for s in out) < words:
        out.append(sentence(rng))
    return " ".join(out)


def rust_block(rng: random.Random) -> str:
    name = rng.choice(HEADS)
    lines = ["```rust", "# #![allow(unused)]", "# fn main() {"]
    for i in range(rng.randint(8, 22)):
        kind = rng.random()
        if kind < 0.3:
            lines.append(f"let {name}_{i}: Vec<u32> = (0..{rng.randint(2, 99)}).map(|x| x * {i}).collect();")
        elif kind < 0.55:
            lines.append(f'if {name}_{i - 1 if i else 0}.len() > {rng.randint(1, 9)} {{ println!("{{}}", {i}); }}')
        elif kind < 0.8:
            lines.append(f'let s{i} = String::from("{rng.choice(HEADS)}"); // a comment about {rng.choice(HEADS)}')
        else:
            lines.append(f'match Some({i}) {{ Some(n) if n > 3 => println!("big {{n}}"), _ => () }}')
    lines += ["# }", "```"]
    return "\n".join(lines)


def other_block(rng: random.Random) -> str:
    lang = rng.choice(["console", "toml", "python", "c", "javascript", "json", "text"])
    n = rng.randint(4, 14)
    if lang == "console":
        body = [f"$ cargo {rng.choice(['build', 'run', 'test', 'doc'])} --release" for _ in range(2)]
        body += [f"   Compiling {rng.choice(HEADS)} v0.{i}.0 (file:///projects/{rng.choice(HEADS)})" for i in range(n)]
    elif lang == "toml":
        body = [
            "[package]",
            f'name = "{rng.choice(HEADS)}"',
            'version = "0.1.0"',
            'edition = "2021"',
            "",
            "[dependencies]",
        ] + [f'{rng.choice(HEADS)} = "{rng.randint(0, 3)}.{i}"' for i in range(n)]
    elif lang == "python":
        body = (
            ["def tally(rows):", "    total = 0"]
            + [f"    total += sum(r.{rng.choice(HEADS)} for r in rows if r.size > {i})  # step {i}" for i in range(n)]
            + ["    return total"]
        )
    elif lang == "c":
        body = (
            ["#include <stdio.h>", "", "int main(void) {"]
            + [f'    printf("%d\\n", {i} * {rng.randint(2, 99)});' for i in range(n)]
            + ["    return 0;", "}"]
        )
    elif lang == "javascript":
        body = [
            f"const {rng.choice(HEADS)}{i} = items.filter((x) => x.size > {i}).map((x) => x.name);" for i in range(n)
        ]
    elif lang == "json":
        body = (
            ["{"] + [f'  "{rng.choice(HEADS)}{i}": {rng.randint(0, 999)},' for i in range(n)] + ['  "end": true', "}"]
        )
    else:
        body = [paragraph(rng, 12) for _ in range(3)]
    return "\n".join([f"```{lang}", *body, "```"])


def table(rng: random.Random) -> str:
    rows = "\n".join(
        f"| `{rng.choice(HEADS)}` | {rng.choice(HEADS)} and {rng.choice(HEADS)} | {rng.randint(1, 999)} |"
        for _ in range(rng.randint(4, 10))
    )
    return f"| Name | What it is for | Size |\n|---|---|---:|\n{rows}"


def headings(rng: random.Random, count: int) -> list[str]:
    """Headings distinct within a file, so each has its own mdBook id."""
    picked = rng.sample(HEADS, count)
    return [f"Working with {word}" for word in picked]


def mdbook_id(text: str) -> str:
    return "".join(c.lower() if c.isalnum() or c in "_-" else "-" for c in text if c.isalnum() or c in " _-")


class Book:
    def __init__(self, out: Path, chapters: int, sections: int, words: int, rng: random.Random):
        self.out, self.chapters, self.sections, self.words, self.rng = out, chapters, sections, words, rng
        self.src = out / "src"
        self.files: list[tuple[str, list[str]]] = []  # (path under src, its headings), in book order

    def plan(self) -> list[tuple[int, str, str, str | None]]:
        """(depth, title, path under src, part title before it or None), in SUMMARY order."""
        items: list[tuple[int, str, str, str | None]] = []
        per_part = max(1, self.chapters // 4)
        for c in range(1, self.chapters + 1):
            part = (c - 1) // per_part + 1
            part_title = f"Part {part}: {self.rng.choice(HEADS).capitalize()}" if (c - 1) % per_part == 0 else None
            word = self.rng.choice(HEADS)
            items.append((0, f"Understanding {word.capitalize()}", f"part{part}/ch{c:02d}-00-{word}.md", part_title))
            for s in range(1, self.sections + 1):
                topic = self.rng.choice(HEADS)
                # Every other chapter nests its last section under the one before.
                depth = 2 if (c % 2 == 0 and s == self.sections) else 1
                items.append(
                    (
                        depth,
                        f"{topic.capitalize()} in practice",
                        f"part{part}/ch{c:02d}/{c:02d}-{s:02d}-{topic}.md",
                        None,
                    )
                )
        return items

    def text(self, title: str, level: int, path: str, targets: list[tuple[str, list[str]]], images: list[str]) -> str:
        rng = self.rng
        heads = headings(rng, 4)
        parts = [f"{'#' * level} {title}\n", paragraph(rng) + "\n"]
        notes = []
        written, used = 0, []
        for h in heads:
            used.append(h)
            parts.append(f"{'#' * (level + 1)} {h}\n")
            for _ in range(rng.randint(3, 5)):
                para = paragraph(rng)
                if rng.random() < 0.12:
                    n = len(notes) + 1
                    notes.append(f"[^n{n}]: {sentence(rng)} {sentence(rng)}")
                    para += f"[^n{n}]"
                if targets and rng.random() < 0.2:
                    other, other_heads = rng.choice(targets)
                    rel = _relative(other, path)
                    if other_heads and rng.random() < 0.5:
                        rel = rel[:-3] + f".html#{mdbook_id(rng.choice(other_heads))}"
                    para += f" See [{rng.choice(HEADS)}]({rel})."
                parts.append(para + "\n")
                written += para.count(" ") + 1
                if written > self.words * 0.78:
                    break
            parts.append((rust_block(rng) if rng.random() < 0.6 else other_block(rng)) + "\n")
            if rng.random() < 0.3:
                parts.append(table(rng) + "\n")
            if written > self.words * 0.78:
                break
        if images and rng.random() < 0.25:
            image = rng.choice(images)
            parts.append(f"![A diagram of {rng.choice(HEADS)}]({_relative('img/' + image, path)})\n")
        if "-00-" in path:  # the opening file of each chapter shows its listing
            parts.append(
                f"```rust\n{{{{#rustdoc_include {_relative('../listings/listing.rs', path)}:{self.listing}}}}}\n```\n"
            )
        self.files.append((path, used))
        return "\n".join(parts + notes) + "\n"

    def write(self) -> None:
        rng = self.rng
        (self.src / "img").mkdir(parents=True, exist_ok=True)
        images = [_image(self.src / "img", i, rng) for i in range(6)]
        listings = self.out / "listings"
        listings.mkdir(parents=True, exist_ok=True)
        self.listing = rng.choice(HEADS)
        (listings / "listing.rs").write_text(RUST.format(name=self.listing), encoding="utf-8")
        (self.out / "book.toml").write_text(
            '[book]\ntitle = "The Code Book for Benchmarks"\nauthors = ["Ada Bench", "Grace Loop"]\n'
            'language = "en"\ndescription = "A long generated book of code and prose."\nsrc = "src"\n\n'
            '[output.html]\nsite-url = "https://books.example.org/codebook/"\n',
            encoding="utf-8",
        )
        summary = ["# Summary\n", "[Foreword](foreword.md)\n"]
        self._file("foreword.md", "Foreword", 1, images)
        for depth, title, path, part in self.plan():
            if part:
                summary.append(f"\n# {part}\n")
            summary.append(f"{'    ' * depth}- [{title}]({path})")
            self._file(path, title, min(depth + 1, 3), images)
        summary.append("\n---\n")
        for a in range(1, 5):
            title = f"Appendix {chr(64 + a)}: {rng.choice(HEADS).capitalize()}"
            path = f"appendix/{chr(96 + a)}-{rng.choice(HEADS)}.md"
            summary.append(f"[{title}]({path})")
            self._file(path, title, 1, images)
        (self.src / "SUMMARY.md").write_text("\n".join(summary) + "\n", encoding="utf-8")

    def _file(self, path: str, title: str, level: int, images: list[str]) -> None:
        target = self.src / path
        target.parent.mkdir(parents=True, exist_ok=True)
        # Links lead back to files already written, so every one reaches its target.
        target.write_text(self.text(title, level, path, list(self.files), images), encoding="utf-8")


def _relative(target: str, start: str) -> str:
    """``target`` (under src/) as a link from the file ``start`` (under src/)."""
    import posixpath

    return posixpath.relpath(target, posixpath.dirname(start) or ".")


def _image(folder: Path, number: int, rng: random.Random) -> str:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1400, 700), "white")
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rng.randrange(1150), rng.randrange(520)
        draw.rectangle([x, y, x + rng.randint(60, 200), y + rng.randint(40, 140)], outline="black", width=4)
    name = f"figure-{number}.png"
    image.save(folder / name, dpi=(300, 300))
    return name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--chapters", type=int, default=20)
    parser.add_argument("--sections", type=int, default=4)
    parser.add_argument("--words", type=int, default=1400, help="words of prose per file, about")
    args = parser.parse_args()
    Book(args.out, args.chapters, args.sections, args.words, random.Random(1953)).write()


if __name__ == "__main__":
    main()

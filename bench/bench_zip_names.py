"""Guessing the code page of zip names made without the UTF-8 flag: papershelf's scorer
side by side with chardet and charset-normalizer.

Real-looking names of study material (Russian, Japanese, Chinese, Western European),
encoded as the Windows tools of those countries write them (cp866 and cp1251, cp932,
GBK, cp437), are grouped into "archives" of 1 and of 3 names; a guess is right when
every name decodes back to the original. Time is per archive (median of 5 runs over the
whole set), and the import time of each detector is measured in a fresh interpreter.

    python bench/bench_zip_names.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence

from papershelf.extract.names import guess_legacy_encoding

RUSSIAN = [
    "Лекция 1 & задачи.pdf",
    "Конспект.docx",
    "Задачи к семинару.txt",
    "Домашнее задание 3.pdf",
    "Теория вероятностей",
    "Экзамен, билеты 2023.doc",
    "Список литературы.md",
    "Разработка LLM с нуля",
    "Курсовая работа (черновик).docx",
    "Методичка по матанализу.djvu",
    "Решения/задача 5.py",
    "Презентация.pptx",
    "Глава 2. Графы.pdf",
    "Лабораторная №4.zip",
    "Введение в машинное обучение",
    "Ответы.txt",
    "Алгоритмы и структуры данных",
    "Физика - семестр 2.pdf",
]
JAPANESE = [
    "講義ノート.pdf",
    "第一章 序論.txt",
    "ソフトウェア工学/表示.txt",
    "機械学習入門.pdf",
    "演習問題の解答.docx",
    "データ構造とアルゴリズム",
    "卒業論文（草稿）.doc",
    "参考文献リスト.txt",
    "プログラミング課題3.zip",
    "線形代数のまとめ.pdf",
    "資料/スライド.pptx",
    "試験対策ノート.md",
]
CHINESE = [
    "中文文件名.doc",
    "数据结构与算法.pdf",
    "机器学习.pdf",
    "第一章 绪论.txt",
    "课程作业/答案.docx",
    "操作系统复习资料",
    "线性代数讲义.pdf",
    "毕业论文初稿.doc",
    "实验报告三.pdf",
    "参考书目.txt",
    "计算机网络笔记",
    "期末考试题.pdf",
]
WESTERN = [
    "Résumé.pdf",
    "Übungen zur Analysis.pdf",
    "Año académico 2023.txt",
    "Cours de mécanique.pdf",
    "Lösungen Blatt 3.pdf",
    "Introducción a la programación",
    "Précis d'algèbre.djvu",
    "Fußnoten.txt",
    "Thèse, brouillon.docx",
    "Señales y sistemas.pdf",
    "Vorlesung Größen.pdf",
    "Café.md",
]
# Written after the scorer was tuned on the lists above, and never tuned on.
HELD_OUT = [
    (
        [
            "Семинар 5. Ряды Фурье.pdf",
            "Шпаргалка к зачёту.docx",
            "Итоговая контрольная",
            "Задания олимпиады 2019.pdf",
            "Учебник Зорича т1.djvu",
            "Кафедра высшей математики/план.xls",
        ],
        ("cp866", "cp1251"),
    ),
    (
        [
            "統計学の基礎.pdf",
            "レポート提出用.docx",
            "量子力学ノート",
            "宿題/第二回.txt",
            "確率論演習.pdf",
            "ゼミ発表資料.pptx",
        ],
        ("cp932",),
    ),
    (
        [
            "概率论与数理统计.pdf",
            "编译原理课件",
            "深度学习入门.pdf",
            "习题解答/第三章.docx",
            "数据库系统概论.pdf",
            "软件工程大作业",
        ],
        ("gbk",),
    ),
    (
        [
            "Mécanique quantique.pdf",
            "Übungsblatt 7.pdf",
            "Numérique/TP noté.zip",
            "Matemáticas discretas.pdf",
            "Prüfungsvorbereitung.docx",
            "Élasticité.djvu",
        ],
        ("cp437",),
    ),
]
SETS = [
    (RUSSIAN, "cp866"),
    (RUSSIAN, "cp1251"),
    (JAPANESE, "cp932"),
    (CHINESE, "gbk"),
    (WESTERN, "cp437"),
]
Detector = Callable[[Sequence[bytes]], str | None]


def archives(
    sets: Sequence[tuple[list[str], str]] = SETS,
) -> list[tuple[list[str], list[bytes], str]]:
    """Every name alone, and every run of three consecutive names, in each encoding."""
    result = []
    for names, encoding in sets:
        groups = [[n] for n in names] + [names[i : i + 3] for i in range(0, len(names) - 2, 3)]
        for group in groups:
            result.append((group, [n.encode(encoding) for n in group], encoding))
    return result


def chardet_guess(raws: Sequence[bytes]) -> str | None:
    import chardet

    found: str | None = chardet.detect(b" ".join(raws))["encoding"]
    return found


def normalizer_guess(raws: Sequence[bytes]) -> str | None:
    import charset_normalizer

    best = charset_normalizer.from_bytes(b" ".join(raws)).best()
    return None if best is None else best.encoding


DETECTORS: dict[str, tuple[Detector, str]] = {
    "papershelf (names.guess_legacy_encoding)": (
        guess_legacy_encoding,
        "papershelf.extract.names",
    ),
    "chardet": (chardet_guess, "chardet"),
    "charset-normalizer": (normalizer_guess, "charset_normalizer"),
}


def right(names: list[str], raws: list[bytes], encoding: str | None) -> bool:
    if encoding is None:
        return False
    try:
        return [raw.decode(encoding) for raw in raws] == names
    except (LookupError, UnicodeDecodeError):
        return False


def import_ms(module: str) -> float:
    """Median wall time of ``import module`` in a fresh interpreter, less a bare start."""

    def once(code: str) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        return time.perf_counter() - start

    bare = statistics.median(once("pass") for _ in range(5))
    return 1000 * (statistics.median(once(f"import {module}") for _ in range(5)) - bare)


def main(argv: Sequence[str] | None = None) -> int:
    held_out = archives([(names, enc) for names, encodings in HELD_OUT for enc in encodings])
    lines = []
    for title, cases in (("tuning set", archives()), ("held-out set", held_out)):
        lines += [
            "",
            f"{title}: {len(cases)} archives of 1 or 3 names; Russian (cp866, cp1251), "
            "Japanese (cp932), Chinese (GBK), Western European (cp437)",
            "",
            "| detector | right | by encoding (right/cases) | ms per archive | import ms |",
            "|---|---|---|---|---|",
        ]
        lines += [row(label, guess, module, cases) for label, (guess, module) in DETECTORS.items()]
    print("\n".join(lines))
    return 0


def row(
    label: str, guess: Detector, module: str, cases: list[tuple[list[str], list[bytes], str]]
) -> str:
    """One detector's line of the table."""
    by: dict[str, list[int]] = {}
    for names, raws, encoding in cases:
        tally = by.setdefault(encoding, [0, 0])
        tally[0] += right(names, raws, guess(raws))
        tally[1] += 1
    times = []
    for _ in range(5):
        start = time.perf_counter()
        for _names, raws, _encoding in cases:
            guess(raws)
        times.append((time.perf_counter() - start) / len(cases))
    total = sum(t[0] for t in by.values())
    detail = ", ".join(f"{enc} {t[0]}/{t[1]}" for enc, t in by.items())
    return (
        f"| {label} | {total}/{len(cases)} | {detail} | "
        f"{1000 * statistics.median(times):.3f} | {import_ms(module):.0f} |"
    )


if __name__ == "__main__":
    raise SystemExit(main())

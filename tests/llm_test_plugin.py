"""An `llm` model plugin for the tests: answers from statusbot's prompt, records what it got.

tests/summarizer/test_summarizer_llm.py makes a distribution of this module in a temporary
folder and has `llm` load it with LLM_LOAD_PLUGINS, so nothing is installed and no network is used.
The model `statusbot-test` writes {prompt, system} as a JSON line to $STATUSBOT_LLM_LOG, and acts on
$STATUSBOT_LLM_MODE: `page` (default) answers with the page the prompt's digest holds, in the
reference page's style; `sleep` sleeps a minute; `fail` raises, so `llm` exits with an error.
"""

from __future__ import annotations

import json
import os
import time

import llm
from summarizer_answers import page


@llm.hookimpl
def register_models(register):
    """Register the test model."""
    register(StatusbotTest())


class StatusbotTest(llm.Model):
    """A model that needs no key and no network."""

    model_id = "statusbot-test"
    can_stream = False

    def execute(self, prompt, stream, response, conversation=None):
        """Record the call, then answer (or sleep, or fail) as $STATUSBOT_LLM_MODE says."""
        with open(os.environ["STATUSBOT_LLM_LOG"], "a", encoding="utf-8") as log:
            log.write(json.dumps({"prompt": prompt.prompt, "system": prompt.system}) + "\n")
        mode = os.environ.get("STATUSBOT_LLM_MODE", "page")
        if mode == "sleep":
            time.sleep(60)
        if mode == "fail":
            raise llm.ModelError("the test model was told to fail")
        yield page(prompt.prompt)

#!/usr/bin/python3
"""Jupyter's kernel conformance suite (jupyter_kernel_test, Debian python3-jupyter-kernel-test) run
against the aelab-java kernel, with samples of our own. ConformanceIT runs it:

    AELAB_KERNEL_NAME=aelab-java JUPYTER_PATH=DIR python3 -m unittest -v conformance_test

Every reply and output message is validated against the v5 message schemas. The suite's only
skip is test_pager: pager payloads serve IPython's `object?` syntax, which Java has no use for.
"""
import os
import unittest

import jupyter_kernel_test

# The suite's own waits are 15 s. On a busy shared machine a kernel's first cell (which waits for
# the start-up script) can take longer; the conformance questions are about messages, not speed.
SLOW_MACHINE_TIMEOUT = 180


class AelabJavaKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = os.environ.get("AELAB_KERNEL_NAME", "aelab-java")

    language_name = "java"
    file_extension = ".jshell"

    code_hello_world = 'System.out.println("hello, world");'
    code_stderr = 'System.err.println("to stderr");'

    # The tests run in name order: only test_clear_output's cell has run before these (CodeInsightIT
    # checks completion on a kernel that has run nothing).
    completion_samples = [
        {"text": "Math.ab", "matches": {"abs(", "absExact("}},
        {"text": "FashionMnist.tr", "matches": {"train()"}},
        {"text": "System.out.printl", "matches": {"println("}},
        {"text": "Syste"},
    ]

    complete_code_samples = ["1 + 1", "int x = 1;", "void f() { }", "for (int i = 0; i < 3; i++) { }"]
    incomplete_code_samples = ["for (int i = 0; i < 3; i++) {", "String s = \"a\" +", "class A {"]
    invalid_code_samples = ["int x = 1; )", "}"]

    code_generate_error = 'throw new IllegalStateException("oops");'

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": "\"java\".toUpperCase()", "result": "JAVA"},
        {"code": "html(\"<b>bold</b>\")", "mime": "text/html", "result": "<b>bold</b>"},
        {"code": "new java.awt.image.BufferedImage(4, 4, java.awt.image.BufferedImage.TYPE_INT_RGB)",
         "mime": "image/png"},
        {"code": "Table.create(\"t\", IntColumn.create(\"a\", 1, 2))", "mime": "text/html"},
    ]

    code_display_data = [
        {"code": "display(\"shown\");", "mime": "text/plain"},
        {"code": "display(html(\"<i>shown</i>\"));", "mime": "text/html"},
        {"code": "display(new java.awt.image.BufferedImage(4, 4, java.awt.image.BufferedImage.TYPE_INT_RGB));",
         "mime": "image/png"},
    ]

    code_history_pattern = "6 * 7"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "Math.abs"

    code_clear_output = "clearOutput();"

    def execute_helper(self, code, timeout=SLOW_MACHINE_TIMEOUT, **kwargs):
        return super().execute_helper(code, timeout=timeout, **kwargs)

    def get_non_kernel_info_reply(self, timeout=None):
        return super().get_non_kernel_info_reply(timeout=SLOW_MACHINE_TIMEOUT if timeout is None else timeout)


jupyter_kernel_test.TIMEOUT = SLOW_MACHINE_TIMEOUT

if __name__ == "__main__":
    unittest.main()

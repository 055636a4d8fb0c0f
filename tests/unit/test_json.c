/* The run log's pieces: JSON strings escaped for any bytes, nesting and commas, SHA-256 (nettle)
 * against the standard's test vectors and sha256sum. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/digest.h"
#include "core/json.h"
#include "harness.h"

static const char *quoted(const char *s)
{
    static folio_buf b;
    b.len = 0;
    folio_json_quote(&b, s);
    return b.data;
}

int main(void)
{
    CHECK_STR(quoted("plain"), "\"plain\"");
    CHECK_STR(quoted("a\"b\\c"), "\"a\\\"b\\\\c\"");
    CHECK_STR(quoted("tab\tnl\ncr\rbs\bff\f"), "\"tab\\tnl\\ncr\\rbs\\bff\\f\"");
    CHECK_STR(quoted("\x01\x1f\x0b\x7f"), "\"\\u0001\\u001f\\u000b\\u007f\"");
    CHECK_STR(quoted("caf\xc3\xa9 \xce\xa9 \xf0\x9f\x93\x84"),
              "\"caf\xc3\xa9 \xce\xa9 \xf0\x9f\x93\x84\""); /* kept */
    CHECK_STR(quoted("bad\xff"
                     "byte"),
              "\"bad\\ufffdbyte\"");                                           /* a stray byte */
    CHECK_STR(quoted("\xc3"), "\"\\ufffd\"");                                  /* cut short */
    CHECK_STR(quoted("\xc0\xaf"), "\"\\ufffd\\ufffd\"");                       /* overlong '/' */
    CHECK_STR(quoted("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");            /* a surrogate */
    CHECK_STR(quoted("\xf4\x90\x80\x80"), "\"\\ufffd\\ufffd\\ufffd\\ufffd\""); /* above U+10FFFF */

    folio_buf b = {0};
    folio_json j;
    folio_json_begin(&j, &b);
    folio_json_object(&j, NULL);
    folio_json_int(&j, "n", 3);
    folio_json_array(&j, "empty");
    folio_json_end(&j);
    folio_json_array(&j, "list");
    folio_json_string(&j, NULL, "x");
    folio_json_null(&j, NULL);
    folio_json_bool(&j, NULL, true);
    folio_json_number(&j, NULL, 0.12345, 3);
    folio_json_number(&j, NULL, 1.0 / 0.0, 3);
    folio_json_end(&j);
    folio_json_end(&j);
    CHECK_STR(b.data, "{\n  \"n\": 3,\n  \"empty\": [],\n  \"list\": [\n    \"x\",\n    null,\n    true,\n"
                      "    0.123,\n    null\n  ]\n}\n");
    folio_buf_free(&b);

    char hex[FOLIO_SHA256_HEX];
    folio_sha256_hex("", 0, hex);
    CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    folio_sha256_hex("abc", 3, hex);
    CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    /* a file larger than one read block, against sha256sum */
    char path[] = "/tmp/folio_test_json_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    static char big[3 * FOLIO_DIGEST_BLOCK + 17];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (char)(i * 31 + 7);
    CHECK(write(fd, big, sizeof big) == (ssize_t)sizeof big);
    close(fd);
    long long bytes = 0;
    CHECK(folio_sha256_file(path, hex, &bytes));
    CHECK_INT(bytes, sizeof big);
    char cmd[128], want[FOLIO_SHA256_HEX] = "";
    snprintf(cmd, sizeof cmd, "sha256sum %s", path);
    FILE *p = popen(cmd, "r");
    CHECK(p && fscanf(p, "%64s", want) == 1);
    if (p)
        pclose(p);
    CHECK_STR(hex, want);
    folio_sha256_hex(big, sizeof big, want);
    CHECK_STR(hex, want);
    unlink(path);
    CHECK(!folio_sha256_file("/nonexistent/folio", hex, NULL));
    return harness_summary();
}

/* folio new-plugin: writes a working section plugin and its test, both passing at once. */
#include "cli/cli.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"

#define MAX_NAME 64

static const char usage[] = "usage: folio new-plugin NAME [--report DIR]\n";

/* The plugin: a heading, a sentence with the count, and a table of responses by org_type.
 * %1$s is the name, %2$s its title ("Involvement by region" for involvement-by-region). */
static const char plugin_text[] =
    "-- %1$s: a section of the report. The plugin contract is in docs/plugin-api.md; its test,\n"
    "-- tests/%1$s_test.lua, runs with `folio test` (docs/testing-plugins.md).\n"
    "return {\n"
    "  name = \"%1$s\",\n"
    "  version = \"0.1.0\",\n"
    "  -- the inputs and columns build reads, checked against the data before it runs\n"
    "  needs = { survey = { \"org_type\" } },\n"
    "  -- option = default; a report sets them in its section: { \"%1$s\", title = \"...\" }\n"
    "  options = { title = \"%2$s\", new_page = false },\n"
    "  build = function(ctx)\n"
    "    local survey = ctx.inputs.survey\n"
    "    -- how report.lua's labels write each code (\"NHS mental health trust\"), else the code\n"
    "    local names = ctx.report.labels and ctx.report.labels.org_type or {}\n"
    "    local rows = {}\n"
    "    for _, group in ipairs(survey:count_by(\"org_type\")) do\n"
    "      rows[#rows + 1] = { names[group.value] or group.value, group.count }\n"
    "    end\n"
    "    return {\n"
    "      blocks.heading(1, ctx.options.title),\n"
    "      blocks.paragraph(string.format(\"%%d survey responses.\", survey:count())),\n"
    "      blocks.table({\n"
    "        columns = { { title = \"Organisation type\" }, { title = \"Responses\" } },\n"
    "        rows = rows,\n"
    "      }),\n"
    "    }\n"
    "  end,\n"
    "}\n";

static const char test_text[] =
    "-- Tests of the %1$s plugin: run them with `folio test` (docs/testing-plugins.md).\n"
    "local survey = {\n"
    "  schema = { org_type = { \"code\", values = { \"nhs_trust\", \"voluntary\", \"other\" } } },\n"
    "  csv = [[\n"
    "org_type\n"
    "nhs_trust\n"
    "voluntary\n"
    "nhs_trust\n"
    "]],\n"
    "}\n"
    "\n"
    "test(\"counts the responses by organisation type\", function(t)\n"
    "  local out = t:build({ plugin = \"%1$s\", inputs = { survey = survey } })\n"
    "  t:eq(out[1], { kind = \"heading\", level = 1, text = \"%2$s\" })\n"
    "  t:contains(out, \"3 survey responses.\")\n"
    "  local tbl = t:has_block(out, \"table\")\n"
    "  t:eq(tbl.rows, { { \"nhs_trust\", 2 }, { \"voluntary\", 1 }, { \"other\", 0 } })\n"
    "end)\n"
    "\n"
    "test(\"writes codes as report.lua's labels say\", function(t)\n"
    "  local labels = { org_type = { nhs_trust = \"NHS mental health trust\" } }\n"
    "  local out = t:build({ plugin = \"%1$s\", inputs = { survey = survey }, report = { labels = labels } "
    "})\n"
    "  t:eq(t:has_block(out, \"table\").rows[1], { \"NHS mental health trust\", 2 })\n"
    "end)\n"
    "\n"
    "test(\"takes its title from the options\", function(t)\n"
    "  local out = t:build({ plugin = \"%1$s\", options = { title = \"Who answered\" }, inputs = { survey = "
    "survey } })\n"
    "  t:eq(out[1].text, \"Who answered\")\n"
    "end)\n"
    "\n"
    "test(\"prints the table on the page\", function(t)\n"
    "  local pages = t:render({ plugin = \"%1$s\", inputs = { survey = survey } })\n"
    "  t:contains(pages[1], \"nhs_trust 2\")\n"
    "end)\n";

static bool valid_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > MAX_NAME || !(s[0] >= 'a' && s[0] <= 'z'))
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
            return false;
    return true;
}

static bool exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

/* Writes text to a new file (never over an existing one). */
static bool write_new(const char *path, const char *text)
{
    FILE *f = fopen(path, "wx");
    if (!f) {
        fprintf(stderr, "folio: new-plugin: cannot write %s: %s\n", path, strerror(errno));
        return false;
    }
    bool ok = fputs(text, f) >= 0;
    if (fclose(f) != 0 || !ok) {
        fprintf(stderr, "folio: new-plugin: cannot write %s\n", path);
        return false;
    }
    return true;
}

int folio_cmd_new_plugin(int argc, char **argv, const char *home)
{
    const char *name = NULL, *report = NULL;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--report") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "folio: new-plugin: --report needs a report folder\n%s", usage);
                return 2;
            }
            report = argv[++i];
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "folio: new-plugin: unknown option %s\n%s", argv[i], usage);
            return 2;
        } else if (!name) {
            name = argv[i];
        } else {
            fprintf(stderr, "folio: new-plugin: unexpected argument \"%s\"\n%s", argv[i], usage);
            return 2;
        }
    }
    if (!name) {
        fprintf(stderr, "folio: new-plugin: no NAME given\n%s", usage);
        return 2;
    }
    if (!valid_name(name)) {
        fprintf(stderr,
                "folio: new-plugin: \"%s\" is not a plugin name: use a lowercase letter, then a-z, 0-9, _ "
                "or - (at most %d), such as involvement-by-region\n",
                name, MAX_NAME);
        return 2;
    }
    if (report && !exists(report)) {
        fprintf(stderr, "folio: new-plugin: no report folder %s\n", report);
        return 2;
    }
    char *dir = report ? xasprintf("%s/plugins", report) : xasprintf("%s/plugins", home);
    char *tests = xasprintf("%s/tests", dir);
    char *plugin_path = xasprintf("%s/%s.lua", dir, name);
    char *test_path = xasprintf("%s/%s_test.lua", tests, name);
    int status = 0;
    if (exists(plugin_path) || exists(test_path)) {
        fprintf(stderr, "folio: new-plugin: %s already exists; choose another name or remove it\n",
                exists(plugin_path) ? plugin_path : test_path);
        status = 2;
        goto done;
    }
    mkdir(dir, 0777);
    mkdir(tests, 0777);
    /* the title: the name with spaces for - and _, its first letter capital */
    char title[MAX_NAME + 1];
    snprintf(title, sizeof title, "%s", name);
    for (char *s = title; *s; s++)
        if (*s == '-' || *s == '_')
            *s = ' ';
    title[0] = (char)(title[0] - 'a' + 'A');
    char *ptext = xasprintf(plugin_text, name, title);
    char *ttext = xasprintf(test_text, name, title);
    if (!write_new(plugin_path, ptext))
        status = 1;
    else if (!write_new(test_path, ttext)) {
        remove(plugin_path);
        status = 1;
    } else {
        printf("wrote %s\nwrote %s\nrun its test: folio test %s\n", plugin_path, test_path, test_path);
    }
    free(ptext);
    free(ttext);
done:
    free(dir);
    free(tests);
    free(plugin_path);
    free(test_path);
    return status;
}

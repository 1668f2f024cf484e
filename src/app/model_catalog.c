/*
 * model_catalog.c - the region's base models for `setup` (see
 * include/clinecfg/model_catalog.h): listing the system profiles page by
 * page, finding a model among them, and the "unknown base model" message.
 */
#define _GNU_SOURCE
#include "clinecfg/model_catalog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clinecfg/arn.h"
#include "clinecfg/suggest.h"

int model_catalog_load(awsclient *c, model_catalog *cat, cc_err *err)
{
    if (cat->loaded)
        return 0;
    const char *token = NULL;
    do {
        if (cat->npages == MODEL_CATALOG_MAX_PAGES)
            break; /* ample: a region lists well under a thousand profiles a page */
        bedrock_list_profiles_in in = {.type = "SYSTEM_DEFINED", .max_results = 1000, .next_token = token};
        int rc = bedrock_list_inference_profiles(c, &in, &cat->pages[cat->npages], err);
        if (rc)
            return rc;
        token = cat->pages[cat->npages++].next_token;
    } while (token);
    cat->loaded = true;
    return 0;
}

void model_catalog_free(model_catalog *cat)
{
    for (size_t i = 0; i < cat->npages; i++)
        bedrock_profile_page_free(&cat->pages[i]);
    memset(cat, 0, sizeof *cat);
}

size_t model_catalog_count(const model_catalog *cat)
{
    size_t n = 0;
    for (size_t i = 0; i < cat->npages; i++)
        n += cat->pages[i].n;
    return n;
}

const bedrock_inference_profile *model_catalog_at(const model_catalog *cat, size_t i)
{
    for (size_t p = 0; p < cat->npages; p++) {
        if (i < cat->pages[p].n)
            return &cat->pages[p].items[i];
        i -= cat->pages[p].n;
    }
    return NULL;
}

const bedrock_inference_profile *model_catalog_find(const model_catalog *cat, const char *id)
{
    size_t n = model_catalog_count(cat);
    for (size_t i = 0; i < n; i++) {
        const bedrock_inference_profile *p = model_catalog_at(cat, i);
        if (p->id && strcmp(p->id, id) == 0)
            return p;
    }
    return NULL;
}

static bool routes_to(const bedrock_inference_profile *p, const char *fm_id)
{
    for (size_t k = 0; k < p->n_models; k++) {
        const char *id = arn_foundation_model_id(p->model_arns[k]);
        if (id && strcmp(id, fm_id) == 0)
            return true;
    }
    return false;
}

size_t model_catalog_routing_to(const model_catalog *cat, const char *fm_id, const char **ids, size_t max)
{
    size_t n = model_catalog_count(cat), found = 0;
    for (size_t i = 0; i < n && found < max; i++) {
        const bedrock_inference_profile *p = model_catalog_at(cat, i);
        if (p->id && routes_to(p, fm_id))
            ids[found++] = p->id;
    }
    return found;
}

int model_catalog_knows(awsclient *c, const model_catalog *cat, const char *model, bool *known, cc_err *err)
{
    *known = model_catalog_find(cat, model) != NULL;
    if (*known || arn_is_system_profile_id(model))
        return 0;
    const char *one;
    if (model_catalog_routing_to(cat, model, &one, 1)) {
        *known = true;
        return 0;
    }
    bedrock_model_list models;
    memset(&models, 0, sizeof models);
    bedrock_model_filter none = {0};
    int rc = bedrock_list_foundation_models(c, &none, &models, err);
    for (size_t i = 0; !rc && i < models.n && !*known; i++)
        *known = models.items[i].model_id && strcmp(models.items[i].model_id, model) == 0;
    bedrock_model_list_free(&models);
    return rc;
}

/* The closest listed id: one that contains what was typed (dots read as
 * dashes, "claude-sonnet-4.5" -> "claude-sonnet-4-5"), else git's rule. */
static void closest_id(const model_catalog *cat, const char *model, char *buf, size_t size)
{
    buf[0] = '\0';
    char *dashed = strdup(model);
    if (!dashed)
        return;
    for (char *p = dashed; *p; p++)
        if (*p == '.')
            *p = '-';
    size_t n = model_catalog_count(cat);
    const char **ids = calloc(n + 1, sizeof *ids);
    for (size_t i = 0; ids && i < n; i++) {
        const char *id = model_catalog_at(cat, i)->id;
        ids[i] = id ? id : "";
        if (!buf[0] && *dashed && (strstr(ids[i], model) || strstr(ids[i], dashed)))
            snprintf(buf, size, "'%s'", ids[i]);
    }
    if (ids && !buf[0])
        suggest_closest(model, ids, "", buf, size);
    free(ids);
    free(dashed);
}

int model_catalog_unknown(const model_catalog *cat, const char *model, const char *region, cc_err *err)
{
    char list[640];
    size_t used = 0, n = model_catalog_count(cat);
    list[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const char *id = model_catalog_at(cat, i)->id;
        int w = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", id ? id : "");
        if (w < 0 || (size_t)w >= sizeof list - used - 8) {
            snprintf(list + used, sizeof list - used, ", ...");
            break;
        }
        used += (size_t)w;
    }
    cc_err_set(err, CC_EINPUT, "model.unknown", "unknown base model '%s' (known in %s: %s)", model, region,
               n ? list : "no system inference profiles");
    char best[300];
    closest_id(cat, model, best, sizeof best);
    if (best[0])
        cc_err_hint(err, "did you mean %s? pass --model with a system profile id listed above, or a foundation-model "
                    "id of %s", best, region);
    else
        cc_err_hint(err, "pass --model with a system profile id listed above, or a foundation-model id of %s",
                    region);
    return CC_EINPUT;
}

/*
 * model_catalog.h - the base models a region offers, as `setup` shows and
 * checks them: the system-defined inference profiles of the region
 * (ListInferenceProfiles, type SYSTEM_DEFINED, every page), and, for a
 * foundation-model id, ListFoundationModels (src/app/model_catalog.c).
 */
#ifndef CLINECFG_MODEL_CATALOG_H
#define CLINECFG_MODEL_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

#include "clinecfg/awsclient.h"
#include "clinecfg/bedrock.h"
#include "clinecfg/error.h"

#define MODEL_CATALOG_MAX_PAGES 20

typedef struct model_catalog {
    bedrock_profile_page pages[MODEL_CATALOG_MAX_PAGES];
    size_t npages;
    bool loaded;
} model_catalog;

/* Lists the region's system profiles (once; later calls return 0 at once). */
int model_catalog_load(awsclient *c, model_catalog *cat, cc_err *err);
void model_catalog_free(model_catalog *cat);

size_t model_catalog_count(const model_catalog *cat);
const bedrock_inference_profile *model_catalog_at(const model_catalog *cat, size_t i);
const bedrock_inference_profile *model_catalog_find(const model_catalog *cat, const char *id);

/* The ids of system profiles that route to foundation model `fm_id` (at
 * most `max`, borrowed from the catalog); returns how many. */
size_t model_catalog_routing_to(const model_catalog *cat, const char *fm_id, const char **ids, size_t max);

/* Does Bedrock know `model` in this region: a listed system profile id, or
 * a foundation-model id that a listed profile routes to or that
 * ListFoundationModels lists?  A failed listing is returned as such. */
int model_catalog_knows(awsclient *c, const model_catalog *cat, const char *model, bool *known, cc_err *err);

/* CC_EINPUT "model.unknown": "unknown base model 'X' (known in REGION: a,
 * b, ...)", with the closest id in the hint. */
int model_catalog_unknown(const model_catalog *cat, const char *model, const char *region, cc_err *err);

#endif

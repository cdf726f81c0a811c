/* The API's route table. Keep server/openapi.json in step with it (tests/server checks both). */
#include "server/server_internal.h"

const route server_routes[] = {
    {"GET", "/healthz", BODY_NONE, 0, route_healthz, NULL},
    {"GET", "/metrics", BODY_NONE, 0, route_metrics, NULL},
    {"GET", "/api/v1/openapi.json", BODY_NONE, 0, route_openapi, NULL},
    {"GET", "/api/v1/sessions", BODY_NONE, 0, route_sessions_list, NULL},
    {"POST", "/api/v1/sessions", BODY_JSON, 1, route_sessions_create, NULL},
    {"POST", "/api/v1/sessions/simulate", BODY_JSON, 1, route_sessions_simulate, NULL},
    {"GET", "/api/v1/sessions/{}", BODY_NONE, 0, route_sessions_get, NULL},
    {"DELETE", "/api/v1/sessions/{}", BODY_NONE, 1, route_sessions_delete, NULL},
    {"GET", "/api/v1/sessions/{}/files/{}", BODY_NONE, 0, route_sessions_file, NULL},
    {"PUT", "/api/v1/sessions/{}/files/{}", BODY_UPLOAD, 1, route_sessions_upload, route_sessions_upload_check},
    {"POST", "/api/v1/sessions/{}/import", BODY_JSON, 1, route_sessions_import, NULL},
    {"GET", "/api/v1/jobs", BODY_NONE, 0, route_jobs_list, NULL},
    {"POST", "/api/v1/jobs", BODY_JSON, 1, route_jobs_create, NULL},
    {"GET", "/api/v1/jobs/{}", BODY_NONE, 0, route_jobs_get, NULL},
    {"POST", "/api/v1/jobs/{}/cancel", BODY_NONE, 1, route_jobs_cancel, NULL},
    {"GET", "/api/v1/jobs/{}/log", BODY_NONE, 0, route_jobs_log, NULL},
    {"GET", "/api/v1/jobs/{}/files", BODY_NONE, 0, route_results_list, NULL},
    {"GET", "/api/v1/jobs/{}/files/{}", BODY_NONE, 0, route_results_file, NULL},
    {"GET", "/api/v1/jobs/{}/reconstructions/{}", BODY_NONE, 0, route_results_png, NULL},
    {"GET", "/api/v1/jobs/{}/irf/spatial", BODY_NONE, 0, route_irf_spatial, NULL},
    {"GET", "/api/v1/jobs/{}/irf/feature", BODY_NONE, 0, route_irf_feature, NULL},
    {"GET", "/api/v1/jobs/{}/irf/pixel", BODY_NONE, 0, route_irf_pixel, NULL},
    {"GET", "/api/v1/models", BODY_NONE, 0, route_models_list, NULL},
    {"POST", "/api/v1/models", BODY_UPLOAD, 1, route_models_upload, route_models_upload_check},
    {"GET", "/api/v1/models/{}", BODY_NONE, 0, route_models_get, NULL},
    {"GET", "/api/v1/models/{}/checkpoint", BODY_NONE, 0, route_models_checkpoint, NULL},
};

const int server_route_count = (int)(sizeof server_routes / sizeof server_routes[0]);

#!/usr/bin/env python3
"""Writes Sources/Server/Resources/openapi.json, the OpenAPI 3 description of `cellscribe serve`'s API.

Edit the paths and schemas here when a route or a DTO changes (Sources/Server/*Routes.swift, DTOs.swift), run
`python3 scripts/openapi.py`, and commit both files. The contract test (scripts/contract_test.sh) checks the
live server against the document.
"""
import json
def ref(n): return {"$ref": f"#/components/schemas/{n}"}
def arr(s): return {"type": "array", "items": s}
S = lambda t, **k: dict(type=t, **k)
ID = {"type": "string", "pattern": "^[0-9a-f]{16}$", "description": "16 lowercase hex digits"}
def err(desc): return {"description": desc, "content": {"application/json": {"schema": ref("Error")}}}
def js(schema, desc="OK"): return {"description": desc, "content": {"application/json": {"schema": schema}}}
def binary(ct, desc): return {"description": desc, "content": {ct: {"schema": {"type": "string", "format": "binary"}}}}
def pid(name, what): return {"name": name, "in": "path", "required": True, "description": f"the {what} id", "schema": {"type": "string"}}
def q(name, schema, desc): return {"name": name, "in": "query", "required": False, "description": desc, "schema": schema}
E404 = err("no such resource"); E400 = err("malformed request"); E422 = err("the request is well formed but not acceptable (the message says why)")
E409 = err("not possible in the current state (no model yet, job without an epoch)")
E413 = err("the body is larger than the server accepts")
ROLES = ["owner", "annotator", "reviewer", "viewer"]
MODEL_Q = q("model", {"type": "string"}, "model id, 'latest' (default) or 'job:<job id>' for a running job's best weights so far")

schemas = {
 "Error": S("object", required=["error", "status"], properties={"error": S("string"), "status": S("integer"),
   "field": S("string", description="the request's field or query parameter at fault, when one is")}),
 "TrainingSettings": S("object", additionalProperties=False, description="every field optional; a job's settings fill gaps from the project's; limits are TrainingLimits' (Sources/Settings), checked by SettingsAgreementTests", properties={
   "timeBudgetSeconds": S("number", minimum=1, maximum=86400), "epochs": S("integer", minimum=1, maximum=100000),
   "learningRate": S("number", minimum=1e-8, maximum=1), "patchSize": S("integer", minimum=16, maximum=512),
   "batchSize": S("integer", minimum=1, maximum=64), "fineTune": S("boolean"), "ensembleSize": S("integer", minimum=1, maximum=10),
   "previewEvery": S("integer", minimum=0, maximum=10000), "seed": S("integer", minimum=0)}),
 "CreateProject": S("object", required=["name", "channels"], properties={
   "name": S("string", minLength=1, maxLength=200), "channels": arr(S("string")), "classes": arr(S("string")), "settings": ref("TrainingSettings")}),
 "Project": S("object", required=["id", "name", "channels", "classes", "task", "settings", "createdAt"], properties={
   "id": ID, "name": S("string"), "channels": arr(S("string")), "classes": arr(S("string")), "task": S("string"),
   "settings": ref("TrainingSettings"), "createdAt": S("string", format="date-time"),
   "role": S("string", enum=ROLES, description="the caller's role in the project")}),
 "Image": S("object", required=["id", "projectID", "name", "shape", "byteCount", "checksum", "scribbles", "status", "createdAt"], properties={
   "id": ID, "projectID": ID, "name": S("string"),
   "shape": S("object", required=["channels", "depth", "height", "width"], properties={k: S("integer") for k in ["channels", "depth", "height", "width"]}),
   "byteCount": S("integer"), "checksum": S("string", description="SHA-256 of the stored file"),
   "scribbles": S("object", required=["version", "foregroundPixels", "backgroundPixels"], properties={
       "version": S("integer", description="the scribbles' ETag; 0 before any save"), "foregroundPixels": S("integer"), "backgroundPixels": S("integer")}),
   "prediction": S("object", required=["modelID"], properties={"modelID": S("string"), "meanEntropy": S("number")}),
   "status": S("string", enum=["new", "scribbled", "predicted"]), "createdAt": S("string", format="date-time")}),
 "UploadedImages": S("object", required=["images"], properties={"images": arr(ref("Image"))}),
 "EpochReport": S("object", required=["epoch", "steps", "trainingLoss", "learningRate", "validation", "scoreName", "isBest", "elapsedSeconds"], properties={
   "epoch": S("integer"), "steps": S("integer"), "trainingLoss": S("number"), "learningRate": S("number"),
   "validation": S("object", additionalProperties=S("number")), "score": S("number"), "scoreName": S("string"),
   "isBest": S("boolean"), "elapsedSeconds": S("number"), "etaSeconds": S("number")}),
 "Job": S("object", required=["id", "projectID", "state", "settings", "attempts", "createdAt"], properties={
   "id": ID, "projectID": ID, "state": S("string", enum=["queued", "running", "finished", "failed", "stopped", "interrupted"]),
   "settings": ref("TrainingSettings"), "parentModelID": S("string"), "modelID": S("string"), "progress": ref("EpochReport"),
   "error": S("string"), "attempts": S("integer"), "createdAt": S("string", format="date-time"),
   "startedAt": S("string", format="date-time"), "finishedAt": S("string", format="date-time")}),
 "Model": S("object", required=["id", "projectID", "version", "metrics", "settings", "scribbleSnapshot", "byteCount", "checksum", "createdAt"], properties={
   "id": ID, "projectID": ID, "version": S("integer"), "parentID": S("string"), "jobID": S("string"),
   "metrics": S("object", additionalProperties=S("number")), "settings": ref("TrainingSettings"),
   "scribbleSnapshot": S("object", additionalProperties=S("string"), description="image id -> checksum of the scribbles trained on"),
   "byteCount": S("integer"), "checksum": S("string"), "createdAt": S("string", format="date-time")}),
 "Region": S("object", required=["y", "x", "size", "meanEntropy"], properties={k: S("integer") for k in ["y", "x", "size"]} | {"meanEntropy": S("number")}),
 "Outline": S("object", required=["label", "points"], properties={"label": S("integer"), "points": arr(arr(S("integer")))}),
 "Prediction": S("object", required=["imageID", "model", "foregroundThreshold", "instances", "regions", "seconds"], properties={
   "imageID": ID, "model": S("string"), "foregroundThreshold": S("number"), "instances": S("integer"), "meanEntropy": S("number"),
   "regions": arr(ref("Region")), "outlines": arr(ref("Outline")), "seconds": S("number")}),
 "NextImage": S("object", required=["strategy", "image"], properties={"strategy": S("string"), "image": ref("Image"), "meanEntropy": S("number"), "regions": arr(ref("Region")),
   "rankedImages": S("integer", description="uncertainty: candidates ranked now (entropy known or just predicted)"),
   "pendingImages": S("integer", description="uncertainty: candidates being predicted in the background for later answers")}),
 "Info": S("object", required=["name", "apiVersion", "computeLibrary", "computeThreads", "projects", "runningJobs", "concurrentTrainings", "maxUploadBytes", "training", "limits"], properties={
   "name": S("string"), "apiVersion": S("string"), "computeLibrary": S("string"), "computeThreads": S("integer"), "projects": S("integer"),
   "runningJobs": S("integer"), "concurrentTrainings": S("integer"), "maxUploadBytes": S("integer"),
   "limits": S("object", description="what the server accepts and how much work it takes on at once (cellscribe serve --help)", properties={
       "maxImageSamples": S("integer"), "maxUploadFiles": S("integer"), "minimumUploadBytesPerSecond": S("integer"), "maxROIs": S("integer"), "maxROIArchiveBytes": S("integer"), "maxROIVertices": S("integer"), "maxTrainingSeconds": S("number"), "trainingMemoryBytes": S("integer"),
       "maxQueuedPredictions": S("integer"), "idleTimeoutSeconds": S("integer"), "maxEventStreams": S("integer"), "requestsPerMinute": S("integer"), "requestBurst": S("integer")}),
   "training": S("object", required=["limits", "defaults"], description="the training settings' ranges (by field) and the defaults a job uses", properties={
       "limits": S("object", additionalProperties=S("object", required=["minimum", "maximum"], properties={"minimum": S("number"), "maximum": S("number")})),
       "defaults": ref("TrainingSettings")})}),
 "Health": S("object", required=["status"], properties={"status": S("string")}),
}
image_upload = {"required": True, "content": {
  "multipart/form-data": {"schema": S("object", properties={"file": arr(S("string", format="binary"))})},
  "application/octet-stream": {"schema": S("string", format="binary")}}}
P = {}
P["/api/health"] = {"get": {"operationId": "health", "summary": "Liveness", "responses": {"200": js(ref("Health"))}}}
P["/api/info"] = {"get": {"operationId": "info", "summary": "Server facts", "responses": {"200": js(ref("Info"))}}}
P["/api/projects"] = {
 "get": {"operationId": "listProjects", "responses": {"200": js(arr(ref("Project")))}},
 "post": {"operationId": "createProject", "requestBody": {"required": True, "content": {"application/json": {"schema": ref("CreateProject")}}},
          "responses": {"201": js(ref("Project"), "created"), "400": E400, "422": E422}}}
P["/api/projects/{project}"] = {"parameters": [pid("project", "project")],
 "get": {"operationId": "getProject", "responses": {"200": js(ref("Project")), "404": E404}},
 "delete": {"operationId": "deleteProject", "summary": "Delete a project with its images, scribbles, models and jobs", "responses": {"204": {"description": "deleted"}, "404": E404}}}
P["/api/projects/{project}/images"] = {"parameters": [pid("project", "project")],
 "get": {"operationId": "listImages", "parameters": [q("sort", S("string", enum=["created", "name", "uncertainty"]), "order (uncertainty: highest mean entropy first)")],
         "responses": {"200": js(arr(ref("Image"))), "400": E400, "404": E404}},
 "post": {"operationId": "uploadImages", "summary": "Upload TIFF/PNG/NPY images (multipart file fields, or the raw body with ?name=); all are checked before any is stored",
          "parameters": [q("name", S("string"), "file name of a raw-body upload")], "requestBody": image_upload,
          "responses": {"201": js(ref("UploadedImages"), "stored"), "400": E400, "404": E404, "413": E413, "422": E422}}}
P["/api/images/{image}"] = {"parameters": [pid("image", "image")],
 "get": {"operationId": "getImage", "responses": {"200": js(ref("Image")), "404": E404}},
 "delete": {"operationId": "deleteImage", "responses": {"204": {"description": "deleted"}, "404": E404}}}
P["/api/images/{image}/file"] = {"parameters": [pid("image", "image")],
 "get": {"operationId": "getImageFile", "summary": "The original file as uploaded", "responses": {"200": {"description": "the file", "content": {t: {"schema": S("string", format="binary")} for t in ["image/tiff", "image/png", "application/octet-stream"]}}, "404": E404}}}
z_q = q("z", S("integer", minimum=0), "slice of a stack (default 0)")
ch_q = q("channel", S("integer", minimum=0), "one channel in grey (default: all, as a colour composite)")
P["/api/images/{image}/preview"] = {"parameters": [pid("image", "image")],
 "get": {"operationId": "getPreview", "parameters": [q("size", S("integer", minimum=16, maximum=4096), "longest side, pixels (default 512)"), ch_q, z_q],
         "responses": {"200": binary("image/png", "8-bit PNG"), "400": E400, "404": E404, "422": E422}}}
P["/api/images/{image}/tiles/{level}/{row}/{column}"] = {"parameters": [pid("image", "image"),
   {"name": "level", "in": "path", "required": True, "schema": S("integer", minimum=0), "description": "0 = full resolution; each level halves"},
   {"name": "row", "in": "path", "required": True, "schema": S("integer", minimum=0)},
   {"name": "column", "in": "path", "required": True, "schema": S("integer", minimum=0)}],
 "get": {"operationId": "getTile", "summary": "A 256x256 tile of the display pyramid", "parameters": [ch_q, z_q],
         "responses": {"200": binary("image/png", "8-bit PNG"), "400": E400, "404": E404, "422": E422}}}
P["/api/images/{image}/scribbles"] = {"parameters": [pid("image", "image")],
 "get": {"operationId": "getScribbles", "summary": "8-bit label image: 0 unlabelled, 1..C class, 255 background; ETag = version",
         "parameters": [q("format", S("string", enum=["tif", "png", "npy"]), "file format (default tif)")],
         "responses": {"200": {"description": "the scribbles", "headers": {"ETag": {"schema": S("string")}},
                               "content": {t: {"schema": S("string", format="binary")} for t in ["image/tiff", "image/png", "application/octet-stream"]}},
                       "400": E400, "404": E404}},
 "put": {"operationId": "putScribbles", "summary": "Replace the scribbles; If-Match must carry the version the edit starts from",
         "parameters": [{"name": "If-Match", "in": "header", "required": True, "schema": S("string"), "description": "the ETag of GET (\"0\" before the first save)"}],
         "requestBody": {"required": True, "content": {"application/octet-stream": {"schema": S("string", format="binary")}}},
         "responses": {"200": {"description": "saved", "headers": {"ETag": {"schema": S("string")}}, "content": {"application/json": {"schema": ref("Image")}}},
                       "400": E400, "404": E404, "412": err("the scribbles changed since that version"), "413": E413,
                       "422": E422, "428": err("If-Match is missing")}}}
P["/api/projects/{project}/jobs"] = {"parameters": [pid("project", "project")],
 "get": {"operationId": "listJobs", "responses": {"200": js(arr(ref("Job"))), "404": E404}},
 "post": {"operationId": "startJob", "summary": "Queue a training job on the project's scribbles",
          "requestBody": {"required": False, "content": {"application/json": {"schema": ref("TrainingSettings")}}},
          "responses": {"201": js(ref("Job"), "queued"), "400": E400, "404": E404, "422": E422}}}
P["/api/jobs/{job}"] = {"parameters": [pid("job", "job")], "get": {"operationId": "getJob", "responses": {"200": js(ref("Job")), "404": E404}}}
P["/api/jobs/{job}/stop"] = {"parameters": [pid("job", "job")], "post": {"operationId": "stopJob", "responses": {"200": js(ref("Job")), "404": E404}}}
P["/api/jobs/{job}/events"] = {"parameters": [pid("job", "job")],
 "get": {"operationId": "jobEvents", "summary": "Server-Sent Events: state, started, step, epoch, checkpoint, cycle, preview, summary, finished (the stream ends with the job)",
         "parameters": [q("image", S("string"), "an image id to receive preview predictions of")],
         "responses": {"200": {"description": "event stream: each event has a kind and one line of JSON (a Job for state and finished, an EpochReport for epoch, ...)",
                               "content": {"text/event-stream": {"schema": S("object", required=["event", "data"], properties={"event": S("string"), "data": S("string")})}}}, "404": E404}}}
pred_params = [MODEL_Q, q("threshold", S("number", minimum=0, maximum=1), "foreground probability threshold for instances (default: the model's)")]
P["/api/images/{image}/prediction"] = {"parameters": [pid("image", "image")],
 "get": {"operationId": "predict", "summary": "Predict (or return the cached prediction): instances, mean entropy, uncertain regions, outlines",
         "parameters": pred_params + [q("regions", S("integer", minimum=0, maximum=50), "uncertain regions to list (default 3)"),
                                      q("regionSize", S("integer", minimum=8, maximum=1024), "region side, pixels (default 64)"),
                                      q("outlines", S("boolean"), "include instance outlines as polygons")],
         "responses": {"200": js(ref("Prediction")), "400": E400, "404": E404, "409": E409, "422": E422}}}
P["/api/images/{image}/prediction/{map}"] = {"parameters": [pid("image", "image"),
   {"name": "map", "in": "path", "required": True, "schema": S("string", enum=["labels.tif", "labels.png", "labels.zip", "probabilities.tif", "entropy.tif", "foreground.png", "entropy.png", "measurements.csv"])}],
 "get": {"operationId": "predictionMap", "parameters": pred_params + [z_q],
         "responses": {"200": {"description": "the map", "content": {t: {"schema": S("string", format="binary")} for t in ["image/tiff", "image/png", "application/octet-stream", "text/csv"]}},
                       "400": E400, "404": E404, "409": E409, "422": E422}}}
P["/api/projects/{project}/models"] = {"parameters": [pid("project", "project")],
 "get": {"operationId": "listModels", "summary": "Model versions, newest first", "responses": {"200": js(arr(ref("Model"))), "404": E404}},
 "post": {"operationId": "uploadModel", "summary": "Upload a model file (safetensors written by CellScribe)",
          "requestBody": {"required": True, "content": {"application/octet-stream": {"schema": S("string", format="binary")}}},
          "responses": {"201": js(ref("Model"), "stored"), "400": E400, "404": E404, "413": E413, "422": E422}}}
P["/api/models/{model}"] = {"parameters": [pid("model", "model")], "get": {"operationId": "getModel", "responses": {"200": js(ref("Model")), "404": E404}}}
P["/api/models/{model}/file"] = {"parameters": [pid("model", "model")], "get": {"operationId": "getModelFile", "responses": {"200": binary("application/octet-stream", "safetensors"), "404": E404}}}
P["/api/projects/{project}/next-image"] = {"parameters": [pid("project", "project")],
 "get": {"operationId": "nextImage", "summary": "The image to annotate next",
         "parameters": [q("strategy", S("string", enum=["uncertainty", "random", "first", "last"]), "how to choose (default uncertainty: highest mean entropy)"),
                        q("exclude", S("string"), "comma-separated image ids to skip"), MODEL_Q],
         "responses": {"200": js(ref("NextImage")), "400": E400, "404": E404, "409": E409, "422": E422}}}
P["/api/images/{image}/uncertain-regions"] = {"parameters": [pid("image", "image")],
 "get": {"operationId": "uncertainRegions", "summary": "The most uncertain windows of an image, most uncertain first",
         "parameters": [MODEL_Q, q("count", S("integer", minimum=1, maximum=50), "how many (default 5)"), q("size", S("integer", minimum=8, maximum=1024), "side, pixels (default 64)")],
         "responses": {"200": js(arr(ref("Region"))), "400": E400, "404": E404, "409": E409, "422": E422}}}
P["/metrics"] = {"get": {"operationId": "metrics", "summary": "Prometheus metrics (text exposition format)", "responses": {"200": {"description": "metrics", "content": {"text/plain": {"schema": S("string")}}}}}}
P["/openapi.json"] = {"get": {"operationId": "openapi", "summary": "This document", "responses": {"200": js(S("object"))}}}
# Sign-in, the signed-in user's session and API tokens, and accounts (administrators).
schemas |= {
 "Session": S("object", required=["mode", "signedIn"], properties={
   "mode": S("string", enum=["single-user", "accounts"], description="single-user: loopback, no accounts, no sign-in"),
   "signedIn": S("boolean"),
   "user": S("object", required=["id", "name", "isAdmin"], properties={"id": S("string"), "name": S("string"), "isAdmin": S("boolean")}),
   "csrfToken": S("string", description="send in X-CSRF-Token with every state-changing request of this browser session")}),
 "SignIn": S("object", required=["name", "password"], properties={"name": S("string"), "password": S("string", format="password")}),
 "ChangePassword": S("object", required=["currentPassword", "newPassword"], properties={
   "currentPassword": S("string", format="password"), "newPassword": S("string", format="password", minLength=10)}),
 "User": S("object", required=["id", "name", "isAdmin", "disabled", "createdAt"], properties={
   "id": ID, "name": S("string"), "isAdmin": S("boolean"), "disabled": S("boolean"),
   "createdAt": S("string", format="date-time"), "lastLoginAt": S("string", format="date-time")}),
 "CreateUser": S("object", required=["name", "password"], properties={
   "name": S("string", minLength=1, maxLength=64, pattern="^[A-Za-z0-9][A-Za-z0-9._@-]*$"),
   "password": S("string", format="password", minLength=10), "isAdmin": S("boolean")}),
 "SetPassword": S("object", required=["password"], properties={"password": S("string", format="password", minLength=10)}),
 "Token": S("object", required=["id", "name", "prefix", "createdAt"], properties={
   "id": ID, "name": S("string"), "prefix": S("string", description="the token's first characters"),
   "createdAt": S("string", format="date-time"), "expiresAt": S("string", format="date-time"),
   "lastUsedAt": S("string", format="date-time"),
   "token": S("string", description="the token itself, only in the answer that creates it")}),
 "CreateToken": S("object", required=["name"], properties={
   "name": S("string", minLength=1, maxLength=100), "expiresInDays": S("integer", minimum=1, maximum=3650)}),
}
E401 = err("no valid session or API token (or a wrong name or password when signing in)")
E409M = err("the server runs single-user (loopback, no accounts): there are no accounts to use")
def body(name): return {"required": True, "content": {"application/json": {"schema": ref(name)}}}
NO_CONTENT = {"description": "done"}
USER_NAME = {"name": "name", "in": "path", "required": True, "description": "the user's sign-in name", "schema": S("string")}
P["/api/session"] = {"get": {"operationId": "session", "summary": "Who the page acts for (public)", "security": [],
  "responses": {"200": js(ref("Session"))}}}
P["/api/login"] = {"post": {"operationId": "signIn", "summary": "Sign in: sets the session cookie (public; throttled after failures)", "security": [],
  "requestBody": body("SignIn"), "responses": {"200": js(ref("Session")), "400": E400, "401": E401, "409": E409M}}}
P["/api/logout"] = {"post": {"operationId": "signOut", "summary": "End this session and clear its cookie", "responses": {"204": NO_CONTENT}}}
P["/api/password"] = {"post": {"operationId": "changePassword", "summary": "Change your password (ends your sessions)",
  "requestBody": body("ChangePassword"), "responses": {"204": NO_CONTENT, "400": E400, "409": E409M, "422": E422}}}
P["/api/tokens"] = {
 "get": {"operationId": "listTokens", "summary": "Your API tokens (without the tokens themselves)", "responses": {"200": js(arr(ref("Token"))), "409": E409M}},
 "post": {"operationId": "createToken", "summary": "A new API token for 'Authorization: Bearer' (shown once)",
          "requestBody": body("CreateToken"), "responses": {"201": js(ref("Token"), "created"), "400": E400, "409": E409M, "422": E422}}}
P["/api/tokens/{token}"] = {"parameters": [pid("token", "API token")],
 "delete": {"operationId": "revokeToken", "summary": "Revoke one of your API tokens", "responses": {"204": NO_CONTENT, "404": E404, "409": E409M}}}
P["/api/users"] = {
 "get": {"operationId": "listUsers", "summary": "Every account (administrators)", "responses": {"200": js(arr(ref("User"))), "409": E409M}},
 "post": {"operationId": "createUser", "summary": "Create an account (administrators)", "requestBody": body("CreateUser"),
          "responses": {"201": js(ref("User"), "created"), "400": E400, "409": err("the name is taken, or the server runs single-user"), "422": E422}}}
for action, what in [("disable", "Disable an account: its sessions end, its tokens are refused"), ("enable", "Enable an account again")]:
    P[f"/api/users/{{name}}/{action}"] = {"parameters": [USER_NAME], "post": {"operationId": f"{action}User", "summary": f"{what} (administrators)",
      "responses": {"200": js(ref("User")), "404": E404, "409": E409M}}}
P["/api/users/{name}/password"] = {"parameters": [USER_NAME], "put": {"operationId": "setUserPassword",
  "summary": "Set an account's password; its sessions end (administrators)", "requestBody": body("SetPassword"),
  "responses": {"204": NO_CONTENT, "400": E400, "404": E404, "409": E409M, "422": E422}}}
# Project members and roles.
schemas |= {
 "Member": S("object", required=["name", "role", "updatedAt"], properties={
   "name": S("string"), "role": S("string", enum=ROLES), "updatedAt": S("string", format="date-time")}),
 "SetRole": S("object", required=["role"], properties={"role": S("string", enum=ROLES)}),
}
P["/api/projects/{project}/members"] = {"parameters": [pid("project", "project")],
 "get": {"operationId": "listMembers", "summary": "The project's members, owners first", "responses": {"200": js(arr(ref("Member"))), "404": E404}}}
P["/api/projects/{project}/members/{name}"] = {"parameters": [pid("project", "project"), USER_NAME],
 "put": {"operationId": "setMember", "summary": "Add a user to the project or change their role (owners; the last owner cannot step down)",
         "requestBody": body("SetRole"), "responses": {"200": js(ref("Member")), "400": E400, "404": E404, "422": E422}},
 "delete": {"operationId": "removeMember", "summary": "Remove a member (owners), or leave the project (any member; not the last owner)",
            "responses": {"204": NO_CONTENT, "404": E404, "422": E422}}}

# The audit log.
schemas |= {
 "AuditEntry": S("object", required=["id", "at", "user", "action", "detail"], properties={
   "id": S("integer", description="increasing; pass as ?before= for the next page"), "at": S("string", format="date-time"),
   "user": S("string", description="who acted (their name at the time)"),
   "action": S("string", enum=["project.create", "project.delete", "image.upload", "image.delete", "scribbles.save", "job.start",
                               "job.stop", "model.import", "member.set", "member.remove", "user.create", "user.disable",
                               "user.enable", "user.password-reset"]),
   "objectID": S("string", description="the image, job, model or user acted on"), "detail": S("string")}),
}
AUDIT_Q = [q("limit", S("integer", minimum=1, maximum=500), "entries (default 100)"),
           q("before", S("integer", minimum=1), "only entries older than this entry id")]
P["/api/projects/{project}/audit"] = {"parameters": [pid("project", "project")],
 "get": {"operationId": "projectAudit", "summary": "Who changed what in the project, newest first", "parameters": AUDIT_Q,
         "responses": {"200": js(arr(ref("AuditEntry"))), "400": E400, "404": E404}}}
P["/api/audit"] = {"get": {"operationId": "accountAudit", "summary": "Account changes by administrators and project deletions, newest first (administrators)",
  "parameters": AUDIT_Q, "responses": {"200": js(arr(ref("AuditEntry"))), "400": E400, "409": E409M}}}

# Where the caller left off.
schemas |= {
 "Workspace": S("object", description="where the caller left off; every field optional", properties={
   "projectID": ID, "imageID": ID, "z": S("integer", minimum=0, maximum=100000),
   "view": S("object", required=["centerX", "centerY", "scale"], properties={
     "centerX": S("number", description="image pixels"), "centerY": S("number", description="image pixels"),
     "scale": S("number", minimum=0.001, maximum=1000, description="screen pixels per image pixel")}),
   "tool": S("string", enum=["brush", "eraser", "pan"]), "toolValue": S("integer", minimum=0, maximum=255),
   "brush": S("integer", minimum=1, maximum=40), "updatedAt": S("string", format="date-time", description="set by the server")}),
}
P["/api/workspace"] = {
 "get": {"operationId": "getWorkspace", "summary": "Where you left off (a project or image you can no longer see is left out)", "responses": {"200": js(ref("Workspace"))}},
 "put": {"operationId": "saveWorkspace", "summary": "Save where you are (any browser you sign in from restores it)", "requestBody": body("Workspace"),
         "responses": {"200": js(ref("Workspace")), "400": E400, "413": E413, "422": E422}}}

# What each operation on a project's data needs (x-cellscribe-action; the server's ProjectAccess enforces it and
# the isolation test checks every role against it): view (every role), annotate (owner, annotator),
# review (owner, reviewer), manage (owner). Callers outside the project get 404, as for an id that does not exist.
ACTION = {"view": ["getProject", "listImages", "getImage", "getImageFile", "getPreview", "getTile", "getScribbles",
                   "listJobs", "getJob", "jobEvents", "predict", "predictionMap", "listModels", "getModel",
                   "getModelFile", "nextImage", "uncertainRegions", "listMembers", "projectAudit"],
          "annotate": ["uploadImages", "putScribbles", "startJob", "stopJob", "uploadModel"],
          "manage": ["deleteProject", "deleteImage", "setMember", "removeMember"]}
ALLOWED = {"view": ROLES, "annotate": ["owner", "annotator"], "review": ["owner", "reviewer"], "manage": ["owner"]}
ACTION_OF = {op: action for action, ops in ACTION.items() for op in ops}
for item in P.values():
    for method, op in item.items():
        if method in ("get", "post", "put", "delete") and op["operationId"] in ACTION_OF:
            action = ACTION_OF.pop(op["operationId"])
            op["x-cellscribe-action"] = action
            op["description"] = (op.get("description", "") + f" Needs a role that may {action}: {', '.join(ALLOWED[action])}.").strip()
            op["responses"]["403"] = err(f"refused: the caller's role may not {action} (or another web site's request, or a session request without its CSRF token)")
assert not ACTION_OF, f"unknown operations: {ACTION_OF}"
P["/api/health"]["get"]["security"] = []
P["/metrics"]["get"]["summary"] += " (administrators)"

# Every operation may meet the per-client rate limit (429); predictions and event streams a full queue (503);
# writes a full disk (507). Each comes with Retry-After where retrying helps.
E429 = err("too many requests from this client: wait the Retry-After seconds")
E503 = err("too much work queued (predictions, event streams): try again after Retry-After seconds")
E507 = err("the server's disk is too full to store this")
E421 = err("this server does not answer to the request's host name (--allowed-host)")
E403 = err("refused: a request from another web site, a session request without its CSRF token, or not an administrator")
E415 = err("the body must be sent with Content-Type: application/json")
for path, item in P.items():
    for method, op in item.items():
        if method not in ("get", "post", "put", "delete"):
            continue
        if path != "/api/health":
            op["responses"].setdefault("429", E429)
        # Access: a host name the server does not answer to (421), another web site's request or a missing CSRF
        # token (403), no credentials where they are needed (401), a JSON body without a JSON content type (415).
        op["responses"].setdefault("421", E421)
        op["responses"].setdefault("403", E403)
        if op.get("security") != []:
            op["responses"].setdefault("401", E401)
        if "application/json" in op.get("requestBody", {}).get("content", {}):
            op["responses"].setdefault("415", E415)
        if "prediction" in path or "next-image" in path or "uncertain-regions" in path or path.endswith("/events"):
            op["responses"].setdefault("503", E503)
        if method in ("post", "put"):
            op["responses"].setdefault("507", E507)
doc = {"openapi": "3.0.3", "info": {"title": "CellScribe", "version": "1", "description": "Interactive cell segmentation from scribbles: projects, images, scribbles, training jobs, predictions, active learning. Errors are {\"error\": sentence, \"status\": code}. On a loopback address with no accounts the server is single-user and needs no credentials; otherwise every operation but health, session and sign-in needs an API token or a session cookie."},
       "paths": P, "components": {"schemas": schemas, "securitySchemes": {
           "token": {"type": "http", "scheme": "bearer", "description": "a personal API token (csk_...), from POST /api/tokens"},
           "session": {"type": "apiKey", "in": "cookie", "name": "cellscribe_session", "description": "the browser session from POST /api/login (__Host-cellscribe_session under TLS); state-changing requests also send X-CSRF-Token"}}},
       "security": [{"token": []}, {"session": []}]}
import os, sys
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Sources", "Server", "Resources", "openapi.json")
with open(out, "w") as f:
    json.dump(doc, f, indent=1)
    f.write("\n")
print(len(P), "paths")

package dev.netloom.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/** The OpenAPI 3.1 description served at {@code /openapi.json}, built from the collections and singular resources there are now. */
final class OpenApi {

    private OpenApi() {
    }

    static ObjectNode document(List<String> collections, List<String> singulars, boolean readOnly) {
        ObjectNode doc = Json.MAPPER.createObjectNode();
        doc.put("openapi", "3.1.0");
        ObjectNode info = doc.putObject("info");
        info.put("title", "netloom rest");
        info.put("version", "1");
        info.put("description", "JSON collections with CRUD, filters, sorting, pages, ETags and JSON Merge Patch.");
        ObjectNode paths = doc.putObject("paths");
        for (String c : collections) {
            ObjectNode list = paths.putObject("/" + c);
            ObjectNode get = op(list, "get", "List " + c, "200", "A page of items (X-Total-Count, Link)");
            ArrayNode params = get.putArray("parameters");
            for (String p : List.of("q", "_sort", "_order", "_page", "_per_page", "_limit", "_start", "_end", "_fields", "_embed", "_expand")) {
                query(params, p);
            }
            ObjectNode item = paths.putObject("/" + c + "/{id}");
            ArrayNode idParam = item.putArray("parameters");
            ObjectNode id = idParam.addObject();
            id.put("name", "id").put("in", "path").put("required", true);
            id.putObject("schema").put("type", "integer").put("minimum", 1).put("maximum", Json.MAX_ID);
            op(item, "get", "Get one of " + c, "200", "The item, with its ETag");
            if (!readOnly) {
                body(op(list, "post", "Create in " + c, "201", "Created; Location and ETag"), "application/json");
                body(op(item, "put", "Replace (or create at this id)", "200", "Replaced; 201 when created"),
                        "application/json");
                body(op(item, "patch", "JSON Merge Patch (RFC 7396)", "200", "Patched"), "application/merge-patch+json");
                op(item, "delete", "Delete", "204", "Deleted");
            }
        }
        for (String name : singulars) {
            ObjectNode one = paths.putObject("/" + name);
            op(one, "get", "Get " + name + " (a singular resource)", "200", "The resource, with its ETag");
            if (!readOnly) {
                body(op(one, "put", "Replace " + name, "200", "Replaced"), "application/json");
                body(op(one, "patch", "JSON Merge Patch (RFC 7396)", "200", "Patched"), "application/merge-patch+json");
            }
        }
        op(paths.putObject("/db"), "get", "The whole database, as json-server's db.json", "200",
                "Every collection and singular resource by name");
        ObjectNode problem = doc.putObject("components").putObject("schemas").putObject("Problem");
        problem.put("type", "object");
        ObjectNode props = problem.putObject("properties");
        for (String p : List.of("type", "title", "detail", "instance")) {
            props.putObject(p).put("type", "string");
        }
        props.putObject("status").put("type", "integer");
        return doc;
    }

    private static ObjectNode op(ObjectNode path, String method, String summary, String status, String description) {
        ObjectNode op = path.putObject(method);
        op.put("summary", summary);
        ObjectNode responses = op.putObject("responses");
        responses.putObject(status).put("description", description);
        ObjectNode error = responses.putObject("default");
        error.put("description", "A problem document (RFC 9457)");
        error.putObject("content").putObject("application/problem+json").putObject("schema")
                .put("$ref", "#/components/schemas/Problem");
        return op;
    }

    private static void body(ObjectNode op, String mediaType) {
        ObjectNode rb = op.putObject("requestBody");
        rb.put("required", true);
        rb.putObject("content").putObject(mediaType).putObject("schema").put("type", "object");
    }

    private static void query(ArrayNode params, String name) {
        ObjectNode p = params.addObject();
        p.put("name", name).put("in", "query").put("required", false);
        p.putObject("schema").put("type", "string");
    }
}

package dev.hoop.dist;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.istio.api.networking.v1.Gateway;
import io.fabric8.istio.api.networking.v1.VirtualService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads Kubernetes YAML strictly into fabric8's typed models, which are generated from the
 * Kubernetes OpenAPI schema (and Istio's CRD schemas): a misspelt or misplaced field, a string where
 * the schema wants a number, a duplicate key or an unknown kind fails with the offending name. The
 * models accept anything into {@code additionalProperties} through {@code @JsonAnySetter}; the
 * introspector below turns that off, so unknown fields reach FAIL_ON_UNKNOWN_PROPERTIES.
 */
final class StrictManifests {
    /** The kinds the manifests may use, by apiVersion/kind. A new kind needs a row here. */
    static final Map<String, Class<?>> KINDS = Map.of(
            "v1/Namespace", Namespace.class,
            "v1/Service", Service.class,
            "v1/ConfigMap", ConfigMap.class,
            "v1/Secret", Secret.class,
            "v1/PersistentVolumeClaim", PersistentVolumeClaim.class,
            "apps/v1/Deployment", Deployment.class,
            "apps/v1/StatefulSet", StatefulSet.class,
            "networking.k8s.io/v1/Ingress", Ingress.class,
            "networking.istio.io/v1/Gateway", Gateway.class,
            "networking.istio.io/v1/VirtualService", VirtualService.class);

    /** kustomize's file: not in any schema jar, so its fields are listed here. */
    record Kustomization(String apiVersion, String kind, List<String> resources, List<Image> images) {
        record Image(String name, String newName, String newTag, String digest) {}
    }

    /** One YAML document of a file: its tree and the typed object it became. */
    record Doc(Path file, int index, JsonNode tree, Object typed) {
        String where() {
            return file + " (document " + (index + 1) + ", " + tree.path("kind").asText("?") + " "
                    + tree.path("metadata").path("name").asText("?") + ")";
        }
    }

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private static final ObjectMapper STRICT = YAMLMapper.builder()
            .annotationIntrospector(new JacksonAnnotationIntrospector() {
                @Override
                public Boolean hasAnySetter(Annotated a) {
                    return Boolean.FALSE;
                }
            })
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    private StrictManifests() {}

    /** Every document of one file, each checked against its kind's model. */
    static List<Doc> read(Path file) {
        try {
            return parse(file, Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** As {@link #read}, from text (the tests' crafted documents). */
    static List<Doc> parse(Path file, String yaml) {
        List<Doc> docs = new ArrayList<>();
        try (var parser = YAML.createParser(yaml)) {
            var it = YAML.readValues(parser, JsonNode.class);
            while (it.hasNextValue()) {
                JsonNode tree = it.nextValue();
                if (tree == null || tree.isNull() || tree.isMissingNode()) {
                    continue; // an empty document between two ---
                }
                docs.add(new Doc(file, docs.size(), tree, typed(file, docs.size(), tree)));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not valid YAML: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return docs;
    }

    private static Object typed(Path file, int index, JsonNode tree) {
        String apiVersion = tree.path("apiVersion").asText("");
        String kind = tree.path("kind").asText("");
        Class<?> type = "Kustomization".equals(kind) ? Kustomization.class : KINDS.get(apiVersion + "/" + kind);
        if (type == null) {
            throw new IllegalArgumentException(file + " document " + (index + 1) + ": unknown kind '" + apiVersion + "/"
                    + kind + "' (expected one of " + KINDS.keySet() + " or a Kustomization)");
        }
        try {
            return STRICT.treeToValue(tree, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + " document " + (index + 1) + " (" + kind + " "
                    + tree.path("metadata").path("name").asText("?") + "): " + e.getOriginalMessage()
                    + " at " + e.getMessage().replaceAll("(?s).*\\(through reference chain: ([^)]*)\\).*", "$1"), e);
        }
    }
}

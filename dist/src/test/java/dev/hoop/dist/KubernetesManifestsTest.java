package dev.hoop.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hoop.dist.StrictManifests.Doc;
import dev.hoop.dist.StrictManifests.Kustomization;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * deploy/kubernetes: every YAML read strictly into the typed Kubernetes/Istio models
 * ({@link StrictManifests}), then what a schema cannot see: references between objects, the
 * seed's proxy settings, and the pods' security settings. The crafted cases prove that a wrong
 * field fails.
 */
class KubernetesManifestsTest {
    static final Path ROOT = Path.of("..", "deploy", "kubernetes");
    static final Path DOCS = Path.of("..", "docs", "deploy-kubernetes.md");

    static List<Path> yamlFiles() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted().toList();
        }
    }

    static List<Doc> all() throws IOException {
        List<Doc> docs = new ArrayList<>();
        for (Path f : yamlFiles()) {
            docs.addAll(StrictManifests.read(f));
        }
        return docs;
    }

    static <T> List<T> of(List<Doc> docs, Class<T> type) {
        return docs.stream().map(Doc::typed).filter(type::isInstance).map(type::cast).toList();
    }

    @Test
    void everyDocumentReadsStrictlyIntoItsModel() throws IOException {
        List<Doc> docs = all();
        Set<String> kinds = new TreeSet<>();
        docs.forEach(d -> kinds.add(d.tree().path("kind").asText()));
        assertThat(kinds).contains("Deployment", "StatefulSet", "Service", "Ingress", "Gateway", "VirtualService",
                "ConfigMap", "Kustomization");
        for (Doc d : docs) {
            if (d.typed() instanceof HasMetadata m && !(m instanceof io.fabric8.kubernetes.api.model.Namespace)) {
                assertThat(m.getMetadata().getNamespace()).as(d.where()).isEqualTo("hoop");
            }
        }
    }

    @Test
    void kustomizationsListEveryFileOnceAndOnlyFilesThatExist() throws IOException {
        Set<Path> listed = new TreeSet<>();
        for (Doc d : all()) {
            if (d.typed() instanceof Kustomization k) {
                for (String r : k.resources()) {
                    Path p = d.file().getParent().resolve(r).normalize();
                    assertThat(p).as(d.where() + " lists " + r).isRegularFile();
                    assertThat(listed.add(p)).as(r + " listed twice").isTrue();
                }
            }
        }
        Set<Path> manifests = new TreeSet<>();
        for (Path f : yamlFiles()) {
            if (!f.getFileName().toString().equals("kustomization.yaml")) {
                manifests.add(f.normalize());
            }
        }
        assertThat(listed).isEqualTo(manifests);
    }

    @Test
    void servicesSelectPodsAndNamePortsTheyExpose() throws IOException {
        List<Doc> docs = all();
        List<PodTemplateSpec> templates = templates(docs);
        for (Service s : of(docs, Service.class)) {
            Map<String, String> selector = s.getSpec().getSelector();
            List<PodTemplateSpec> selected = templates.stream()
                    .filter(t -> t.getMetadata().getLabels().entrySet().containsAll(selector.entrySet())).toList();
            assertThat(selected).as("pods of Service " + s.getMetadata().getName()).isNotEmpty();
            for (ServicePort p : s.getSpec().getPorts()) {
                String target = p.getTargetPort().getStrVal();
                assertThat(target).as("Service %s port %s: name its target port", s.getMetadata().getName(), p.getName()).isNotNull();
                assertThat(selected).allSatisfy(t -> assertThat(containerPortNames(t.getSpec()))
                        .as("Service %s targets port '%s'", s.getMetadata().getName(), target).contains(target));
            }
        }
    }

    @Test
    void ingressesAndVirtualServicesPointAtServicePortsThatExist() throws IOException {
        List<Doc> docs = all();
        Map<String, Service> services = new java.util.HashMap<>();
        of(docs, Service.class).forEach(s -> services.put(s.getMetadata().getName(), s));
        for (Ingress i : of(docs, Ingress.class)) {
            for (var rule : i.getSpec().getRules()) {
                for (var path : rule.getHttp().getPaths()) {
                    IngressServiceBackend b = path.getBackend().getService();
                    Service s = services.get(b.getName());
                    assertThat(s).as("Ingress %s: Service %s", i.getMetadata().getName(), b.getName()).isNotNull();
                    assertThat(s.getSpec().getPorts()).as("Ingress %s port", i.getMetadata().getName())
                            .anyMatch(p -> Objects.equals(p.getName(), b.getPort().getName()) || Objects.equals(p.getPort(), b.getPort().getNumber()));
                }
            }
        }
        for (VirtualService v : of(docs, VirtualService.class)) {
            for (var http : v.getSpec().getHttp()) {
                for (var route : http.getRoute()) {
                    String host = route.getDestination().getHost();
                    String name = host.split("\\.")[0];
                    assertThat(host).as("VirtualService %s destination", v.getMetadata().getName())
                            .isEqualTo(name + ".hoop.svc.cluster.local");
                    assertThat(services.get(name).getSpec().getPorts())
                            .anyMatch(p -> p.getPort().longValue() == route.getDestination().getPort().getNumber());
                }
            }
        }
    }

    @Test
    void theGatewayIsProbedOnHealthzAndTakesItsSecretsFromSecrets() throws IOException {
        Deployment gw = of(all(), Deployment.class).stream().filter(d -> d.getMetadata().getName().equals("hoop-gateway")).findFirst().orElseThrow();
        Container c = gw.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getArgs()).containsExactly("start", "gateway");
        for (Probe p : List.of(c.getReadinessProbe(), c.getLivenessProbe(), c.getStartupProbe())) {
            assertThat(p.getHttpGet().getPath()).isEqualTo("/api/healthz");
            assertThat(p.getHttpGet().getPort().getStrVal()).isEqualTo("api");
        }
        assertThat(c.getPorts()).extracting(p -> p.getName() + ":" + p.getContainerPort()).containsExactlyInAnyOrder("api:8009", "grpc:8010");
        for (String secret : List.of("POSTGRES_DB_URI", "JWT_SECRET_KEY", "AUDIT_SIGNING_KEY")) {
            EnvVar e = c.getEnv().stream().filter(v -> v.getName().equals(secret)).findFirst().orElseThrow();
            assertThat(e.getValue()).as(secret + " never inline").isNull();
            assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("hoop-gateway");
        }
    }

    @Test
    void everySecretReferencedIsOneTheGuideTellsHowToCreate() throws IOException {
        String guide = Files.readString(DOCS);
        List<Doc> docs = all();
        assertThat(docs).noneMatch(d -> d.tree().path("kind").asText().equals("Secret"));
        for (PodTemplateSpec t : templates(docs)) {
            for (Container c : t.getSpec().getContainers()) {
                for (EnvVar e : c.getEnv() == null ? List.<EnvVar>of() : c.getEnv()) {
                    if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
                        var ref = e.getValueFrom().getSecretKeyRef();
                        assertThat(guide).as("docs/deploy-kubernetes.md creates Secret %s with key %s", ref.getName(), ref.getKey())
                                .containsPattern("kubectl -n hoop create secret generic " + ref.getName() + "[^`]*--from-literal=" + ref.getKey() + "=");
                    }
                }
            }
        }
    }

    @Test
    void everyPodRunsAsNonRootWithoutEscalationAndWithAPinnedImage() throws IOException {
        for (PodTemplateSpec t : templates(all())) {
            PodSpec pod = t.getSpec();
            String name = t.getMetadata().getLabels().get("app.kubernetes.io/name");
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).as(name + " runAsNonRoot").isTrue();
            assertThat(pod.getSecurityContext().getRunAsUser()).as(name + " uid").isPositive();
            for (Container c : pod.getContainers()) {
                assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).as(name).isFalse();
                assertThat(c.getSecurityContext().getCapabilities().getDrop()).as(name).containsExactly("ALL");
                assertThat(c.getImage()).as(name + " image").matches(".+:[0-9][^:]*").doesNotEndWith(":latest");
                assertThat(c.getResources().getLimits()).as(name + " memory limit").containsKey("memory");
            }
        }
    }

    @Test
    void grpcIngressesCarryTheSeedsSettings() throws IOException {
        Map<String, Ingress> byName = new java.util.HashMap<>();
        of(all(), Ingress.class).forEach(i -> byName.put(i.getMetadata().getName(), i));
        Map<String, String> nginx = byName.get("hoop-grpc").getMetadata().getAnnotations();
        assertThat(nginx).containsEntry("nginx.ingress.kubernetes.io/backend-protocol", "GRPC")
                .containsEntry("nginx.ingress.kubernetes.io/proxy-body-size", "0")
                .containsEntry("nginx.ingress.kubernetes.io/proxy-read-timeout", "3600");
        Map<String, String> albWeb = byName.get("hoop-web-alb").getMetadata().getAnnotations();
        assertThat(albWeb).containsEntry("alb.ingress.kubernetes.io/healthcheck-protocol", "HTTP")
                .containsEntry("alb.ingress.kubernetes.io/healthcheck-path", "/api/healthz")
                .containsEntry("alb.ingress.kubernetes.io/healthcheck-port", "8009");
        Map<String, String> albGrpc = byName.get("hoop-grpc-alb").getMetadata().getAnnotations();
        assertThat(albGrpc).containsEntry("alb.ingress.kubernetes.io/backend-protocol-version", "GRPC")
                .containsEntry("alb.ingress.kubernetes.io/healthcheck-protocol", "HTTP")
                .containsEntry("alb.ingress.kubernetes.io/healthcheck-path", "/")
                .containsEntry("alb.ingress.kubernetes.io/healthcheck-port", "8010");
    }

    @Test
    void istioRoutesToTheGrpcPortHaveNoTimeoutAndNoRetries() throws IOException {
        int grpcRoutes = 0;
        for (VirtualService v : of(all(), VirtualService.class)) {
            for (var http : v.getSpec().getHttp()) {
                if (http.getRoute().stream().anyMatch(r -> r.getDestination().getPort().getNumber() == 8010)) {
                    grpcRoutes++;
                    assertThat(http.getTimeout()).as(v.getMetadata().getName() + " timeout").isNull();
                    assertThat(http.getRetries() == null || http.getRetries().getAttempts() == 0)
                            .as(v.getMetadata().getName() + " retries").isTrue();
                }
            }
        }
        assertThat(grpcRoutes).isEqualTo(1);
    }

    /** A wrong field fails, naming itself: the check above is not a formality. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "misspelt spec field|spec:\\n  replica: 1|replica",
        "field at the wrong level|spec:\\n  template:\\n    containers: []|containers",
        "misspelt probe field|spec:\\n  template:\\n    spec:\\n      containers:\\n        - name: x\\n          readinessProbe:\\n            initialDelaySecond: 3|initialDelaySecond",
        "string for a number|spec:\\n  replicas: two|replicas",
        "quoted number|spec:\\n  replicas: \"2\"|replicas",
        "duplicate key|spec:\\n  replicas: 1\\n  replicas: 2|Duplicate field 'replicas'",
    })
    void aWrongDeploymentFieldFails(String what, String body, String named) {
        String yaml = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: bad\n  namespace: hoop\n" + body.replace("\\n", "\n") + "\n";
        assertThatThrownBy(() -> StrictManifests.parse(Path.of("crafted.yaml"), yaml)).as(what)
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(named);
    }

    @Test
    void aWrongIstioFieldAndAnUnknownKindFail() {
        String vs = "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: bad\nspec:\n  http:\n    - retry:\n        attempts: 0\n";
        assertThatThrownBy(() -> StrictManifests.parse(Path.of("vs.yaml"), vs)).hasMessageContaining("retry");
        String crd = "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n";
        assertThatThrownBy(() -> StrictManifests.parse(Path.of("w.yaml"), crd)).hasMessageContaining("unknown kind 'example.com/v1/Widget'");
        String kust = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresource:\n  - a.yaml\n";
        assertThatThrownBy(() -> StrictManifests.parse(Path.of("kustomization.yaml"), kust)).hasMessageContaining("resource");
    }

    private static List<PodTemplateSpec> templates(List<Doc> docs) {
        List<PodTemplateSpec> t = new ArrayList<>();
        of(docs, Deployment.class).forEach(d -> t.add(d.getSpec().getTemplate()));
        of(docs, StatefulSet.class).forEach(s -> t.add(s.getSpec().getTemplate()));
        return t;
    }

    private static List<String> containerPortNames(PodSpec pod) {
        return pod.getContainers().stream().flatMap(c -> c.getPorts().stream()).map(p -> p.getName()).toList();
    }
}

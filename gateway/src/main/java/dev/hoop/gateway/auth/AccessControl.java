package dev.hoop.gateway.auth;

import dev.hoop.gateway.store.Plugins;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Who may use which connection, from the org's {@code access_control} plugin: without the plugin
 * every user of the org may use every connection; with it, a connection is usable by admins and by
 * members of the groups its plugin config lists (a connection the plugin does not list is for
 * admins only). Listing, {@code hoop connect}, {@code hoop exec} and API exec all ask here.
 */
public final class AccessControl {
    public static final String PLUGIN = "access_control";
    private final Plugins plugins;
    private final String adminGroup;

    public AccessControl(Plugins plugins, String adminGroup) {
        this.plugins = plugins;
        this.adminGroup = adminGroup;
    }

    /** A test over connection names for one user: load the rules once, then filter a listing with it. */
    public Predicate<String> usable(UUID orgId, Collection<String> groups) {
        if (groups.contains(adminGroup)) {
            return name -> true;
        }
        Optional<Map<String, List<String>>> rules = plugins.find(orgId, PLUGIN).map(Plugins.Plugin::connections);
        if (rules.isEmpty()) {
            return name -> true;
        }
        Map<String, List<String>> allowed = rules.get();
        return name -> allowed.getOrDefault(name, List.of()).stream().anyMatch(groups::contains);
    }

    public boolean allowed(UUID orgId, Collection<String> groups, String connectionName) {
        return usable(orgId, groups).test(connectionName);
    }
}

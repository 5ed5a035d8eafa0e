package dev.sluice.ingest;

import dev.sluice.config.ConfigException;
import dev.sluice.config.DestinationConfig;
import dev.sluice.config.TenantConfig;
import dev.sluice.event.Event;
import dev.sluice.event.FieldProblem;
import dev.sluice.privacy.HashingProfile;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which destinations an event goes to, and which hashing profile each destination needs.
 * A webhook destination carries the canonical hashed event in the profile named by its
 * {@code hashing-profile} setting (default {@code meta}).
 */
final class Routes {
    private final Map<String, Route> byId;
    private final Set<HashingProfile> allProfiles;

    /** A destination with its hashing profile. */
    record Route(DestinationConfig destination, HashingProfile profile) {
    }

    /** The destinations of one event, or the problems with its {@code destinations} list. */
    record Selection(List<Route> routes, Set<HashingProfile> profiles, List<FieldProblem> problems) {
    }

    private Routes(Map<String, Route> byId) {
        this.byId = byId;
        EnumSet<HashingProfile> profiles = EnumSet.noneOf(HashingProfile.class);
        byId.values().forEach(r -> profiles.add(r.profile()));
        this.allProfiles = profiles;
    }

    /** Routes of a tenant; fails with the offending key when a destination's profile is unknown. */
    static Routes of(TenantConfig tenant) {
        Map<String, Route> byId = new LinkedHashMap<>();
        for (DestinationConfig d : tenant.destinations()) {
            // Named as the connectors name a bad setting: tenant and destination by id.
            byId.put(d.id(), new Route(d, profileOf(d, "sluice.tenants." + tenant.id() + ".destinations." + d.id())));
        }
        return new Routes(byId);
    }

    private static HashingProfile profileOf(DestinationConfig d, String key) {
        if (d.type().equals("webhook")) {
            String name = d.settings().getOrDefault("hashing-profile", "meta");
            try {
                return HashingProfile.valueOf(name.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(key + ".settings.hashing-profile", "unknown hashing profile");
            }
        }
        return HashingProfile.forDestinationType(d.type())
                .orElseThrow(() -> new ConfigException(key + ".type", "no hashing profile for this type"));
    }

    /** The routes for an event: all of the tenant's destinations, or the subset it names. */
    Selection select(Event event, String pointerPrefix) {
        if (event.destinations().isEmpty()) {
            return new Selection(List.copyOf(byId.values()), allProfiles, List.of());
        }
        List<Route> routes = new ArrayList<>();
        List<FieldProblem> problems = new ArrayList<>();
        EnumSet<HashingProfile> profiles = EnumSet.noneOf(HashingProfile.class);
        for (int i = 0; i < event.destinations().size(); i++) {
            Route route = byId.get(event.destinations().get(i));
            if (route == null) {
                problems.add(new FieldProblem(pointerPrefix + "/destinations/" + i, "unknown_destination",
                        "this tenant has no destination with that id"));
            } else {
                routes.add(route);
                profiles.add(route.profile());
            }
        }
        return new Selection(routes, profiles, problems);
    }
}

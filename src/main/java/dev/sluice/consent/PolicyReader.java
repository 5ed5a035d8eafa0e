package dev.sluice.consent;

import dev.sluice.config.DestinationConfig;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns the parsed policy document into the policy model, rejecting anything it does not
 * understand: unknown keys, destination types, groups, signals, values, purposes, placeholders,
 * models and duplicate rule ids. A policy that says something Sluice cannot enforce must stop
 * startup rather than be half applied. The file format is documented in {@code docs/consent.md}.
 */
final class PolicyReader {
    static final String RULE_ID = "[a-z0-9][a-z0-9._-]{0,127}";
    private static final String NAME = "[a-z0-9][a-z0-9_-]{0,63}";
    private static final String REASON = "[a-z0-9_]{1,64}";
    /** TCF v2.2 defines purposes 1 to 11. */
    private static final int MAX_PURPOSE = 11;

    private final Set<String> ruleIds = new HashSet<>();
    private final Map<String, Set<String>> groups = new LinkedHashMap<>();

    /** The policy's parts, in the order the engine needs them. */
    record Parts(String version, Map<String, DestinationPolicy> destinations, Map<String, Model> models,
                 List<JurisdictionRule> jurisdictions, String defaultJurisdiction, Model defaultModel,
                 Set<String> ruleIds) {
    }

    Parts read(YamlNode root) {
        root.entries(Set.of("version", "destination-groups", "destination-types", "models", "jurisdictions",
                "default"));
        String version = root.child("version").text("[A-Za-z0-9._+-]{1,64}",
                "a version such as 2026-09-01.1 (letters, digits, . _ + -)");
        YamlNode groupsNode = root.child("destination-groups");
        if (groupsNode.isPresent()) {
            groupsNode.entries(null).forEach((name, node) -> groups.put(group(name, node), types(node)));
        }
        Map<String, DestinationPolicy> destinations = destinations(root.child("destination-types"));
        Map<String, Model> models = new LinkedHashMap<>();
        root.child("models").entries(null).forEach((id, node) -> models.put(id, model(id, node)));
        List<JurisdictionRule> jurisdictions = new ArrayList<>();
        Set<String> jurisdictionIds = new HashSet<>(Set.of(Jurisdiction.UNKNOWN));
        for (YamlNode node : root.child("jurisdictions").list()) {
            JurisdictionRule rule = jurisdiction(node, models);
            if (!jurisdictionIds.add(rule.id())) {
                throw node.child("id").error("duplicate or reserved jurisdiction id " + rule.id());
            }
            jurisdictions.add(rule);
        }
        YamlNode fallback = root.child("default").mapWith(Set.of("jurisdiction", "model"));
        String defaultId = fallback.child("jurisdiction").text(NAME, "a jurisdiction id (a-z, 0-9, _ -)");
        if (!jurisdictionIds.add(defaultId)) {
            throw fallback.child("jurisdiction").error("duplicate or reserved jurisdiction id " + defaultId);
        }
        return new Parts(version, destinations, models, jurisdictions, defaultId,
                modelRef(fallback.child("model"), models), Set.copyOf(ruleIds));
    }

    private String group(String name, YamlNode node) {
        if (!name.matches(NAME) || DestinationConfig.TYPES.contains(name)) {
            throw node.error("a group name must be a-z, 0-9, _ - and not a destination type");
        }
        return name;
    }

    private static Set<String> types(YamlNode node) {
        Set<String> types = new LinkedHashSet<>();
        for (YamlNode item : node.list()) {
            types.add(knownType(item.text(), item));
        }
        return types;
    }

    private static String knownType(String type, YamlNode node) {
        if (!DestinationConfig.TYPES.contains(type)) {
            throw node.error("unknown destination type " + type + "; known: " + new TreeSet<>(DestinationConfig.TYPES));
        }
        return type;
    }

    private Map<String, DestinationPolicy> destinations(YamlNode node) {
        Map<String, DestinationPolicy> destinations = new LinkedHashMap<>();
        node.entries(null).forEach((type, typeNode) -> {
            knownType(type, typeNode);
            typeNode.entries(Set.of("tcf", "allow", "limited"));
            YamlNode allow = typeNode.child("allow");
            Map<String, Object> allowFlags = allow.isPresent()
                    ? FlagTemplates.read(allow.mapWith(Set.of("flags")).child("flags")) : Map.of();
            destinations.put(type, new DestinationPolicy(type, tcf(typeNode.child("tcf")), allowFlags,
                    limited(typeNode.child("limited"))));
        });
        for (String type : new TreeSet<>(DestinationConfig.TYPES)) {
            if (!destinations.containsKey(type)) {
                throw node.child(type).error("missing: every destination type needs a policy entry");
            }
        }
        return destinations;
    }

    private static DestinationPolicy.TcfRequirement tcf(YamlNode node) {
        node.entries(Set.of("vendor", "purposes"));
        YamlNode vendor = node.child("vendor");
        Optional<Integer> vendorId = Optional.empty();
        if (vendor.isPresent()) {
            int id = vendor.integer();
            if (id < 1) {
                throw vendor.error("must be a TCF vendor id (a positive integer)");
            }
            vendorId = Optional.of(id);
        }
        Set<Integer> purposes = new TreeSet<>();
        for (YamlNode purpose : node.child("purposes").list()) {
            int id = purpose.integer();
            if (id < 1 || id > MAX_PURPOSE) {
                throw purpose.error("unknown TCF purpose " + id + "; TCF v2.2 purposes are 1 to " + MAX_PURPOSE);
            }
            purposes.add(id);
        }
        if (purposes.isEmpty()) {
            throw node.child("purposes").error("must name at least one purpose");
        }
        return new DestinationPolicy.TcfRequirement(vendorId, purposes);
    }

    private DestinationPolicy.LimitedMode limited(YamlNode node) {
        node.entries(Set.of("id", "unavailable", "strip-user-data", "flags"));
        String id = ruleId(node.child("id"));
        if (node.child("unavailable").bool(false)) {
            if (node.child("flags").isPresent() || node.child("strip-user-data").isPresent()) {
                throw node.child("unavailable").error("an unavailable limited mode has no flags or strip-user-data");
            }
            return new DestinationPolicy.LimitedMode.Unavailable(id);
        }
        YamlNode flags = node.child("flags");
        return new DestinationPolicy.LimitedMode.Flags(id, node.child("strip-user-data").bool(false),
                flags.isPresent() ? FlagTemplates.read(flags) : Map.of());
    }

    private Model model(String id, YamlNode node) {
        if (!id.matches(NAME)) {
            throw node.error("a model id must be a-z, 0-9, _ -");
        }
        node.entries(Set.of("kind", "baseline", "rules"));
        YamlNode kindNode = node.child("kind");
        Model.Kind kind = switch (kindNode.text()) {
            case "opt-in" -> Model.Kind.OPT_IN;
            case "opt-out" -> Model.Kind.OPT_OUT;
            default -> throw kindNode.error("must be opt-in or opt-out");
        };
        YamlNode baseline = node.child("baseline").mapWith(Set.of("id", "reason"));
        List<Rule> rules = new ArrayList<>();
        YamlNode rulesNode = node.child("rules");
        if (rulesNode.isPresent()) {
            rulesNode.list().forEach(rule -> rules.add(rule(rule)));
        }
        return new Model(id, kind, new Model.Baseline(ruleId(baseline.child("id")), reason(baseline.child("reason"))),
                rules);
    }

    private Rule rule(YamlNode node) {
        node.entries(Set.of("id", "destinations", "when", "then", "reason"));
        String id = ruleId(node.child("id"));
        YamlNode thenNode = node.child("then");
        Decision then = switch (thenNode.text()) {
            case "ALLOW" -> Decision.ALLOW;
            case "LIMITED" -> Decision.LIMITED;
            case "DENY" -> Decision.DENY;
            default -> throw thenNode.error("must be ALLOW, LIMITED or DENY");
        };
        Set<String> types = new LinkedHashSet<>();
        YamlNode destinations = node.child("destinations");
        if (destinations.isPresent()) {
            for (YamlNode item : destinations.list()) {
                String name = item.text();
                if (groups.containsKey(name)) {
                    types.addAll(groups.get(name));
                } else if (DestinationConfig.TYPES.contains(name)) {
                    types.add(name);
                } else {
                    throw item.error("unknown destination type or group " + name + "; groups: " + groups.keySet()
                            + ", types: " + new TreeSet<>(DestinationConfig.TYPES));
                }
            }
        } else {
            types.addAll(DestinationConfig.TYPES);
        }
        Map<Signal, String> when = new LinkedHashMap<>();
        YamlNode whenNode = node.child("when");
        if (whenNode.isPresent()) {
            whenNode.entries(null).forEach((key, condition) -> {
                Signal signal = Signal.byKey(key).orElseThrow(() -> condition.error("unknown signal; known: "
                        + java.util.Arrays.stream(Signal.values()).map(Signal::key).toList()));
                String value = Signal.normalize(condition.text());
                if (!signal.accepted().contains(value)) {
                    throw condition.error("unknown value for " + key + "; expected one of " + signal.accepted());
                }
                when.put(signal, value);
            });
        }
        return new Rule(id, reason(node.child("reason")), then, types, when);
    }

    private static JurisdictionRule jurisdiction(YamlNode node, Map<String, Model> models) {
        node.entries(Set.of("id", "model", "countries", "states", "match-unknown-state"));
        String id = node.child("id").text(NAME, "a jurisdiction id (a-z, 0-9, _ -)");
        Set<String> countries = new LinkedHashSet<>();
        for (YamlNode item : node.child("countries").list()) {
            if (item.raw() instanceof Boolean) {
                throw item.error("quote country codes: YAML reads a bare NO (Norway) as false");
            }
            String code = item.text();
            if (!Places.isAlpha2(code)) {
                throw item.error("must be an upper-case ISO 3166-1 alpha-2 country code");
            }
            countries.add(code);
        }
        Set<String> states = new LinkedHashSet<>();
        YamlNode statesNode = node.child("states");
        if (statesNode.isPresent()) {
            if (!countries.equals(Set.of("US"))) {
                throw statesNode.error("states are only understood for countries: [US]");
            }
            for (YamlNode item : statesNode.list()) {
                String code = item.text();
                if (!Places.isUsState(code)) {
                    throw item.error("must be an upper-case two-letter US state code");
                }
                states.add(code);
            }
        }
        YamlNode unknownState = node.child("match-unknown-state");
        if (unknownState.isPresent() && states.isEmpty()) {
            throw unknownState.error("only meaningful together with states");
        }
        return new JurisdictionRule(id, modelRef(node.child("model"), models), countries, states,
                unknownState.bool(false));
    }

    private static Model modelRef(YamlNode node, Map<String, Model> models) {
        String id = node.text();
        Model model = models.get(id);
        if (model == null) {
            throw node.error("unknown model " + id + "; models: " + models.keySet());
        }
        return model;
    }

    private String ruleId(YamlNode node) {
        String id = node.text(RULE_ID, "a rule id (a-z, 0-9, . _ -)");
        if (!ruleIds.add(id)) {
            throw node.error("duplicate rule id " + id);
        }
        return id;
    }

    private static String reason(YamlNode node) {
        return node.text(REASON, "a reason code (a-z, 0-9, _)");
    }
}

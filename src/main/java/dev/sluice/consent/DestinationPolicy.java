package dev.sluice.consent;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the policy says about one destination type: which TCF vendor and purposes stand for it,
 * which flags an ALLOW carries, and what LIMITED means for it.
 *
 * @param type       platform type, e.g. {@code meta}
 * @param tcf        the TCF consent that counts as {@code tcf: granted} for this type
 * @param allowFlags flag templates merged into an allowed payload
 * @param limited    the platform's limited-use mode, or its absence
 */
record DestinationPolicy(String type, TcfRequirement tcf, Map<String, Object> allowFlags, LimitedMode limited) {
    DestinationPolicy {
        allowFlags = Restrictions.freeze(allowFlags);
    }

    /**
     * Consent a TC string must carry for this type. Without a vendor (a platform that is not a
     * registered TCF vendor, such as Meta) only the purposes are checked, so a TC string can refuse
     * such a platform but never grant it by itself unless the policy's rules say so.
     */
    record TcfRequirement(Optional<Integer> vendor, Set<Integer> purposes) {
        TcfRequirement {
            purposes = Set.copyOf(purposes);
        }

        boolean grantedBy(TcfFacts facts) {
            return facts.purposeConsents().containsAll(purposes)
                    && vendor.map(facts.vendorConsents()::contains).orElse(true);
        }
    }

    /** What LIMITED means for a platform. */
    sealed interface LimitedMode {
        /** The rule id recorded when this mode shapes a decision. */
        String id();

        /** The platform has a limited-use mode: set these flags, and strip user data if asked. */
        record Flags(String id, boolean stripUserData, Map<String, Object> flags) implements LimitedMode {
            public Flags {
                flags = Restrictions.freeze(flags);
            }
        }

        /** The platform has no limited-use mode: LIMITED becomes DENY. */
        record Unavailable(String id) implements LimitedMode {
        }
    }
}

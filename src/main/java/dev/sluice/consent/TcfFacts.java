package dev.sluice.consent;

import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a TC string said, decoded, for the audit log. The string itself is kept only as a hash.
 *
 * @param gdprApplies                 whether the event's jurisdiction is an opt-in (GDPR) one: a TC
 *                                    string does not carry this bit (the CMP API does), so it is
 *                                    derived from the jurisdiction
 * @param cmpId                       the consent management platform's registered id
 * @param policyVersion               TCF policy version (4 for TCF v2.2)
 * @param purposeConsents             purposes with consent
 * @param purposeLegitimateInterests  purposes with legitimate interest established
 * @param vendorConsents              vendors with consent
 * @param specialFeatureOptIns        special features opted in
 * @param stringSha256                lower-case hex SHA-256 of the TC string
 */
public record TcfFacts(boolean gdprApplies, int cmpId, int policyVersion, Set<Integer> purposeConsents,
                       Set<Integer> purposeLegitimateInterests, Set<Integer> vendorConsents,
                       Set<Integer> specialFeatureOptIns, String stringSha256) {
    public TcfFacts {
        purposeConsents = sorted(purposeConsents);
        purposeLegitimateInterests = sorted(purposeLegitimateInterests);
        vendorConsents = sorted(vendorConsents);
        specialFeatureOptIns = sorted(specialFeatureOptIns);
    }

    // Sorted, so that two decodings of one string are equal and render in one order.
    private static Set<Integer> sorted(Set<Integer> set) {
        return Collections.unmodifiableSortedSet(new TreeSet<>(set));
    }
}

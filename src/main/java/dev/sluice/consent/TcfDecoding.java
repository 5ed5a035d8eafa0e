package dev.sluice.consent;

import com.iabtcf.decoder.TCString;

import java.util.Optional;

/**
 * Decodes an IAB TCF v2 TC string with the IAB Tech Lab decoder into the facts the policy uses.
 * A string that cannot be decoded is a problem to report, never an exception: it arrives from the
 * internet through the merchant, and one bad event must not fail the others in its request.
 */
final class TcfDecoding {
    static final String INVALID_FORMAT = "tcf:invalid_format";
    static final String UNSUPPORTED_VERSION = "tcf:unsupported_version";

    /** The facts, or the problem code when the string is unusable. */
    record Result(Optional<TcfFacts> facts, Optional<String> problem) {
    }

    /** Where the vendor consent section's MaxVendorId (16 bits) starts in a v2 core segment. */
    static final int MAX_VENDOR_ID_BIT = 213;

    private TcfDecoding() {
    }

    /**
     * The core segment's MaxVendorId: the 16 bits after the fixed fields (version 6, created and
     * last updated 36 each, CMP id and version 12 each, consent screen 6, language 12, vendor list
     * version 12, policy version 6, two flags, special features 12, purposes consent and
     * transparency 24 each, purpose one treatment 1, publisher country 12: 213 bits). Called after
     * the decoder read the string, so the segment is long enough.
     */
    static int maxVendorId(String tcString) {
        int dot = tcString.indexOf('.');
        byte[] core = java.util.Base64.getUrlDecoder().decode(dot < 0 ? tcString : tcString.substring(0, dot));
        int value = 0;
        for (int i = MAX_VENDOR_ID_BIT; i < MAX_VENDOR_ID_BIT + 16; i++) {
            value = (value << 1) | ((core[i >> 3] >> (7 - (i & 7))) & 1);
        }
        return value;
    }

    static Result decode(String tcString, boolean gdprApplies) {
        try {
            TCString tc = TCString.decode(tcString);
            // TCF v1 strings are long retired and carry none of the v2 fields the policy reads.
            if (tc.getVersion() != 2) {
                return new Result(Optional.empty(), Optional.of(UNSUPPORTED_VERSION));
            }
            java.util.Set<Integer> vendors = tc.getVendorConsent().toSet();
            int maxVendorId = maxVendorId(tcString);
            if (vendors.stream().anyMatch(v -> v > maxVendorId)) {
                // A vendor past the string's own MaxVendorId (a range entry beyond it): the string
                // contradicts itself, which the decoder does not check; until session 39 such a
                // string granted the vendors it named.
                return new Result(Optional.empty(), Optional.of(INVALID_FORMAT));
            }
            TcfFacts facts = new TcfFacts(gdprApplies, tc.getCmpId(), tc.getTcfPolicyVersion(),
                    tc.getPurposesConsent().toSet(), tc.getPurposesLITransparency().toSet(),
                    vendors, tc.getSpecialFeatureOptIns().toSet(),
                    ConsentPolicy.sha256(tcString));
            return new Result(Optional.of(facts), Optional.empty());
        } catch (RuntimeException e) {
            // The decoder signals bad input with several unchecked types (its own decode
            // exceptions, IllegalArgumentException from Base64, index errors on truncated bit
            // fields); every one of them means the same thing here: nobody can read this consent.
            return new Result(Optional.empty(), Optional.of(INVALID_FORMAT));
        }
    }
}

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

    private TcfDecoding() {
    }

    static Result decode(String tcString, boolean gdprApplies) {
        try {
            TCString tc = TCString.decode(tcString);
            // TCF v1 strings are long retired and carry none of the v2 fields the policy reads.
            if (tc.getVersion() != 2) {
                return new Result(Optional.empty(), Optional.of(UNSUPPORTED_VERSION));
            }
            TcfFacts facts = new TcfFacts(gdprApplies, tc.getCmpId(), tc.getTcfPolicyVersion(),
                    tc.getPurposesConsent().toSet(), tc.getPurposesLITransparency().toSet(),
                    tc.getVendorConsent().toSet(), tc.getSpecialFeatureOptIns().toSet(),
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

package dev.sluice.consent;

import com.iabtcf.encoder.TCStringEncoder;

import java.time.Instant;

/** Real TCF v2.2 TC strings, built with the IAB Tech Lab encoder. */
final class TcStrings {
    static final int GOOGLE = 755;
    static final int CMP_ID = 300;

    private TcStrings() {
    }

    /** Purposes 1-10 consented and vendor 755 (Google) consented: Google may be sent user data. */
    static String googleConsent() {
        return base().addPurposesConsent(1).addPurposesConsent(2).addPurposesConsent(3).addPurposesConsent(4)
                .addPurposesConsent(7).addPurposesConsent(9).addPurposesConsent(10)
                .addVendorConsent(GOOGLE).addVendorConsent(32).addSpecialFeatureOptIns(1)
                .addPurposesLITransparency(2).encode();
    }

    /** Purposes 1 and 7 consented, but vendor 755 not: Google refused, purposes granted. */
    static String purposesWithoutGoogle() {
        return base().addPurposesConsent(1).addPurposesConsent(7).addVendorConsent(32).encode();
    }

    /** "Reject all": no purpose, no vendor. */
    static String rejectAll() {
        return base().encode();
    }

    /** A TCF v1 string (valid, but retired). */
    static String version1() {
        return TCStringEncoder.newBuilder().version(1).created(Instant.parse("2020-01-01T00:00:00Z"))
                .lastUpdated(Instant.parse("2020-01-01T00:00:00Z")).cmpId(CMP_ID).cmpVersion(1)
                .consentScreen(1).consentLanguage("EN").vendorListVersion(10).addPurposesConsent(1)
                .addVendorConsent(GOOGLE).encode();
    }

    private static TCStringEncoder.Builder base() {
        return TCStringEncoder.newBuilder().version(2).created(Instant.parse("2026-09-01T10:00:00Z"))
                .lastUpdated(Instant.parse("2026-09-01T10:00:00Z")).cmpId(CMP_ID).cmpVersion(3).consentScreen(1)
                .consentLanguage("EN").vendorListVersion(120).tcfPolicyVersion(4).isServiceSpecific(true)
                .publisherCC("DE");
    }
}

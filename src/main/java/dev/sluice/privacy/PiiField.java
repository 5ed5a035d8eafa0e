package dev.sluice.privacy;

/**
 * The personal fields Sluice normalizes and hashes, named as they appear in the ingest body's
 * {@code user} object.
 */
public enum PiiField {
    EMAIL("email"),
    PHONE("phone"),
    FIRST_NAME("first_name"),
    LAST_NAME("last_name"),
    DATE_OF_BIRTH("date_of_birth"),
    GENDER("gender"),
    CITY("city"),
    STATE("state"),
    ZIP("zip"),
    COUNTRY("country"),
    EXTERNAL_ID("external_id");

    private final String jsonName;

    PiiField(String jsonName) {
        this.jsonName = jsonName;
    }

    /** The field's name in the ingest body, e.g. {@code first_name}; used in JSON pointers. */
    public String jsonName() {
        return jsonName;
    }
}

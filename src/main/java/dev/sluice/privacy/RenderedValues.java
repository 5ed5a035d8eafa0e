package dev.sluice.privacy;

/**
 * One event's parsed values, each (field, shape) rendered and hashed at most once however many
 * platforms ask for it; equal strings from different shapes (a non-gmail address in Meta's and
 * Google's form) share one hash through {@link Sha256}'s memo. Per call, not thread-safe.
 */
final class RenderedValues {
    private static final int FORMS = Form.values().length;
    /**
     * Each (field, shape) pair a platform table or the subject keys use, numbered densely; -1 for
     * the rest, which are rendered and hashed without being kept. Arrays over every field and
     * every shape (13 x 16 slots, two of them) were 1.7 KB allocated per event for about 30 used
     * slots (session 20).
     */
    private static final int[] SLOTS = new int[PiiField.values().length * FORMS];
    private static final int SLOT_COUNT;

    static {
        java.util.Arrays.fill(SLOTS, -1);
        int next = 0;
        for (HashingProfile profile : HashingProfile.values()) {
            for (ProfileRules.Rule rule : ProfileRules.of(profile)) {
                next = number(rule.field(), rule.form(), next);
            }
        }
        for (PiiField field : SubjectDigests.FIELDS) {
            for (Form form : SubjectDigests.forms(field)) {
                next = number(field, form, next);
            }
        }
        SLOT_COUNT = next;
    }

    private static int number(PiiField field, Form form, int next) {
        int index = field.ordinal() * FORMS + form.ordinal();
        if (SLOTS[index] >= 0) {
            return next;
        }
        SLOTS[index] = next;
        return next + 1;
    }

    private final Canonical[] parsed;
    private final String[] rendered = new String[SLOT_COUNT];
    private final String[] hashed = new String[SLOT_COUNT];
    private final byte[][] digests = new byte[SLOT_COUNT][];
    private final Sha256 sha = new Sha256();

    /** @param parsed values indexed by {@link PiiField#ordinal()}, null where absent or invalid */
    RenderedValues(Canonical[] parsed) {
        this.parsed = parsed;
    }

    /** The value in plain text, or null when absent or when only its digest is known. */
    String plain(PiiField field, Form form) {
        Canonical value = parsed[field.ordinal()];
        if (value == null || value instanceof Canonical.Prehashed) {
            return null;
        }
        return render(value, slot(field, form), form);
    }

    /** The hex SHA-256 of the value in the given shape (or the merchant's digest), or null when absent. */
    String hash(PiiField field, Form form) {
        Canonical value = parsed[field.ordinal()];
        if (value == null) {
            return null;
        }
        if (value instanceof Canonical.Prehashed(String hex)) {
            return hex;
        }
        int slot = slot(field, form);
        if (slot < 0) {
            return sha.hex(value.render(form));
        }
        String hex = hashed[slot];
        if (hex == null) {
            hex = Sha256.hex(digest(value, slot, form));
            hashed[slot] = hex;
        }
        return hex;
    }

    /**
     * The SHA-256 digest of the value in the given shape as its 32 bytes (shared: not to be
     * modified), or null when the value is absent or the merchant's own digest, which only
     * {@link #hash} gives. Writing a payload's digests from these skips their hex both ways.
     */
    byte[] digest(PiiField field, Form form) {
        Canonical value = parsed[field.ordinal()];
        if (value == null || value instanceof Canonical.Prehashed) {
            return null;
        }
        int slot = slot(field, form);
        return slot < 0 ? sha.digest(value.render(form)) : digest(value, slot, form);
    }

    private byte[] digest(Canonical value, int slot, Form form) {
        byte[] digest = digests[slot];
        if (digest == null) {
            digest = sha.digest(render(value, slot, form));
            digests[slot] = digest;
        }
        return digest;
    }

    private String render(Canonical value, int slot, Form form) {
        if (slot < 0) {
            return value.render(form);
        }
        String text = rendered[slot];
        if (text == null) {
            text = value.render(form);
            rendered[slot] = text;
        }
        return text;
    }

    /** The pair's dense slot, or -1 for a pair no table uses. */
    private static int slot(PiiField field, Form form) {
        return SLOTS[field.ordinal() * FORMS + form.ordinal()];
    }

    /** How many (field, shape) pairs have a slot (for tests). */
    static int slotCount() {
        return SLOT_COUNT;
    }
}

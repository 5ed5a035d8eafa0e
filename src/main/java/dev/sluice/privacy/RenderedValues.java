package dev.sluice.privacy;

/**
 * One event's parsed values, each (field, shape) rendered and hashed at most once however many
 * platforms ask for it; equal strings from different shapes (a non-gmail address in Meta's and
 * Google's form) share one hash through {@link Sha256}'s memo. Per call, not thread-safe.
 */
final class RenderedValues {
    private static final int FORMS = Form.values().length;

    private final Canonical[] parsed;
    private final String[] rendered;
    private final String[] hashed;
    private final Sha256 sha = new Sha256();

    /** @param parsed values indexed by {@link PiiField#ordinal()}, null where absent or invalid */
    RenderedValues(Canonical[] parsed) {
        this.parsed = parsed;
        this.rendered = new String[parsed.length * FORMS];
        this.hashed = new String[parsed.length * FORMS];
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
        String hex = hashed[slot];
        if (hex == null) {
            hex = sha.hex(render(value, slot, form));
            hashed[slot] = hex;
        }
        return hex;
    }

    private String render(Canonical value, int slot, Form form) {
        String text = rendered[slot];
        if (text == null) {
            text = value.render(form);
            rendered[slot] = text;
        }
        return text;
    }

    private static int slot(PiiField field, Form form) {
        return field.ordinal() * FORMS + form.ordinal();
    }
}

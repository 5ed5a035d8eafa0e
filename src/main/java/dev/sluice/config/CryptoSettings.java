package dev.sluice.config;

import java.util.Map;

/**
 * Data-encryption keys: every key by id (all stay usable for decryption, so keys can rotate) and
 * the id that encrypts new data.
 *
 * @param keys        key id to secret (32 bytes, base64 or hex)
 * @param activeKeyId the key that seals new payloads
 */
public record CryptoSettings(Map<String, Secret> keys, String activeKeyId) {
    public CryptoSettings {
        keys = Map.copyOf(keys);
    }

    @Override
    public String toString() {
        return "CryptoSettings[keys=" + keys.keySet() + ", active=" + activeKeyId + "]";
    }
}

package dev.sluice.ledger;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import dev.sluice.privacy.DataKeyring;
import dev.sluice.privacy.TenantCrypto;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The customer key an entry is booked under must be one an erasure looks for. */
class LedgerCustomersTest {
    private final TenantCrypto crypto = DataKeyring.of(
            Map.of("k1", HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")), "k1")
            .forTenant("tenant-a");

    @Test
    void bookingKey_isTheExternalIdsKey_whenThereIsOne() {
        Optional<String> key = LedgerCustomers.key(crypto, Optional.of(" Jane@Example.com "), Optional.of(" cust-7 "));

        assertThat(key, equalTo(Optional.of(crypto.customerKey("ext:cust-7"))));
        assertThat(LedgerCustomers.keys(crypto, Optional.of(" Jane@Example.com "), Optional.of(" cust-7 ")),
                contains(crypto.customerKey("ext:cust-7"), crypto.customerKey("email:jane@example.com")));
    }

    @Test
    void bookingKey_fallsBackToTheTrimmedLowerCasedEmail() {
        assertThat(LedgerCustomers.key(crypto, Optional.of(" Jane@Example.com "), Optional.of("   ")),
                equalTo(Optional.of(crypto.customerKey("email:jane@example.com"))));
        assertThat(LedgerCustomers.key(crypto, Optional.of(" Jane@Example.com "), Optional.empty()),
                equalTo(Optional.of(LedgerCustomers.keys(crypto, Optional.of(" Jane@Example.com "), Optional.empty()).getFirst())));
    }

    @Test
    void noIdentifier_noKey() {
        assertThat(LedgerCustomers.key(crypto, Optional.of(" "), Optional.empty()), equalTo(Optional.empty()));
        assertThat(LedgerCustomers.keys(crypto, Optional.empty(), Optional.of("")), empty());
    }
}

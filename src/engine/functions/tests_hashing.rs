//! The hash functions against the digests Flink answers (lower-case hex
//! strings), plus a NULL argument for each. Flink's "System (Built-in)
//! Functions" page (Flink 1.19/1.20) gives no example digests, so the
//! expected values are the RFC 1321 / FIPS 180 test vectors of 'abc'.

use datafusion::arrow::datatypes::DataType;

use super::tests::{check, error};

#[tokio::test]
async fn hash_functions_answer_lower_case_hex_strings() {
    use DataType::*;
    check(&[
        ("MD5('abc')", "900150983cd24fb0d6963f7d28e17f72", Utf8),
        ("MD5('')", "d41d8cd98f00b204e9800998ecf8427e", Utf8),
        ("SHA1('abc')", "a9993e364706816aba3e25717850c26c9cd0d89d", Utf8),
        ("SHA224('abc')", "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7", Utf8),
        ("SHA256('abc')", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Utf8),
        ("SHA384('abc')", "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7", Utf8),
        (
            "SHA512('abc')",
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
            Utf8,
        ),
        // SHA2(s, bits) is the SHA-2 digest of that length.
        ("SHA2('abc', 256)", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Utf8),
        ("SHA2('abc', 224)", "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7", Utf8),
        // Bytes are hashed as they are.
        ("MD5(X'616263')", "900150983cd24fb0d6963f7d28e17f72", Utf8),
        ("MD5(CAST(NULL AS STRING))", "NULL", Utf8),
        ("SHA1(CAST(NULL AS STRING))", "NULL", Utf8),
        ("SHA256(CAST(NULL AS STRING))", "NULL", Utf8),
        ("SHA2(CAST(NULL AS STRING), 256)", "NULL", Utf8),
        ("SHA2('abc', CAST(NULL AS INT))", "NULL", Utf8),
    ])
    .await;
    assert!(error("SELECT SHA2('abc', 100)").await.contains("224, 256, 384 or 512"));
}

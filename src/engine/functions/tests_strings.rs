//! The encoding, URL, collection, PRINTF, RAND and LEFT/RIGHT functions
//! against the examples of Flink's "System (Built-in) Functions" page
//! (Flink 1.19/1.20) where it gives one, else against the rule it states
//! (said case by case), plus a NULL argument for each.

use datafusion::arrow::datatypes::{DataType, Field};
use datafusion::execution::context::SessionContext;

use super::tests::{check, error, eval};

#[tokio::test]
async fn hex_unhex_encode_decode() {
    use DataType::*;
    check(&[
        // Flink: a numeric 20 leads to "14", 100 to "64", the string "hello,world" to "68656C6C6F2C776F726C64".
        ("HEX(20)", "14", Utf8),
        ("HEX(100)", "64", Utf8),
        ("HEX('hello,world')", "68656C6C6F2C776F726C64", Utf8),
        // Java's Long.toHexString for a negative number.
        ("HEX(-1)", "FFFFFFFFFFFFFFFF", Utf8),
        ("HEX(CAST(NULL AS BIGINT))", "NULL", Utf8),
        ("HEX(CAST(NULL AS STRING))", "NULL", Utf8),
        // Flink: DECODE(UNHEX('466C696E6B'), 'UTF-8') is 'Flink'.
        ("DECODE(UNHEX('466C696E6B'), 'UTF-8')", "Flink", Utf8),
        ("UNHEX('466C696E6B')", "466c696e6b", Binary),
        // Odd length: the first digit is dropped and a zero byte padded in front; a non-hex digit is NULL.
        ("UNHEX('ABC')", "00bc", Binary),
        ("UNHEX('GG')", "NULL", Binary),
        ("UNHEX(CAST(NULL AS STRING))", "NULL", Binary),
        ("ENCODE('Flink', 'UTF-8')", "466c696e6b", Binary),
        ("ENCODE('é', 'ISO-8859-1')", "e9", Binary),
        ("ENCODE('é', 'US-ASCII')", "3f", Binary),
        ("ENCODE('A', 'UTF-16')", "feff0041", Binary),
        ("ENCODE('A', 'utf-16le')", "4100", Binary),
        ("DECODE(ENCODE('größe', 'UTF-16BE'), 'UTF-16BE')", "größe", Utf8),
        ("DECODE(X'FFFE4100', 'UTF-16')", "A", Utf8),
        ("DECODE(X'E9', 'ISO-8859-1')", "é", Utf8),
        ("ENCODE(CAST(NULL AS STRING), 'UTF-8')", "NULL", Binary),
        ("DECODE(CAST(NULL AS BYTEA), 'UTF-8')", "NULL", Utf8),
        ("DECODE(X'41', CAST(NULL AS STRING))", "NULL", Utf8),
    ])
    .await;
    assert!(error("SELECT ENCODE('a', 'EBCDIC')").await.contains("unsupported charset 'EBCDIC'"));
    assert!(error("SELECT HEX(1.5)").await.contains("No match found for function signature HEX"));
}

#[tokio::test]
async fn url_functions() {
    use DataType::*;
    check(&[
        // Flink: parse_url('http://facebook.com/path1/p.php?k1=v1&k2=v2#Ref1', 'HOST') is 'facebook.com', and with 'QUERY', 'k1' it is 'v1'.
        ("PARSE_URL('http://facebook.com/path1/p.php?k1=v1&k2=v2#Ref1', 'HOST')", "facebook.com", Utf8),
        ("PARSE_URL('http://facebook.com/path1/p.php?k1=v1&k2=v2#Ref1', 'QUERY', 'k1')", "v1", Utf8),
        ("PARSE_URL('http://facebook.com/path1/p.php?k1=v1&k2=v2#Ref1', 'QUERY')", "k1=v1&k2=v2", Utf8),
        ("PARSE_URL('http://facebook.com/path1/p.php?k1=v1&k2=v2#Ref1', 'PATH')", "/path1/p.php", Utf8),
        ("PARSE_URL('http://facebook.com/path1/p.php?k1=v1&k2=v2#Ref1', 'FILE')", "/path1/p.php?k1=v1&k2=v2", Utf8),
        ("PARSE_URL('http://facebook.com/path1/p.php?k1=v1&k2=v2#Ref1', 'REF')", "Ref1", Utf8),
        ("PARSE_URL('HTTP://facebook.com/', 'PROTOCOL')", "http", Utf8),
        ("PARSE_URL('http://me:pw@facebook.com:8080/p', 'AUTHORITY')", "me:pw@facebook.com:8080", Utf8),
        ("PARSE_URL('http://me:pw@facebook.com:8080/p', 'USERINFO')", "me:pw", Utf8),
        ("PARSE_URL('http://me:pw@facebook.com:8080/p', 'HOST')", "facebook.com", Utf8),
        ("PARSE_URL('http://facebook.com/p', 'QUERY', 'k1')", "NULL", Utf8),
        ("PARSE_URL('http://facebook.com/p', 'USERINFO')", "NULL", Utf8),
        ("PARSE_URL('not a url', 'HOST')", "NULL", Utf8),
        ("PARSE_URL(CAST(NULL AS STRING), 'HOST')", "NULL", Utf8),
        // Java's URLEncoder: a space is '+', only A-Z a-z 0-9 . - * _ stay.
        ("URL_ENCODE('https://flink.apache.org/a b?x=1&y=ä')", "https%3A%2F%2Fflink.apache.org%2Fa+b%3Fx%3D1%26y%3D%C3%A4", Utf8),
        ("URL_DECODE('https%3A%2F%2Fflink.apache.org%2Fa+b%3Fx%3D1%26y%3D%C3%A4')", "https://flink.apache.org/a b?x=1&y=ä", Utf8),
        // Flink: an illegal escape pattern gives NULL.
        ("URL_DECODE('100%')", "NULL", Utf8),
        ("URL_ENCODE(CAST(NULL AS STRING))", "NULL", Utf8),
        ("URL_DECODE(CAST(NULL AS STRING))", "NULL", Utf8),
    ])
    .await;
}

#[tokio::test]
async fn collection_functions() {
    use DataType::*;
    let map = Map(
        Field::new("entries", Struct(vec![Field::new("key", Utf8, false), Field::new("value", Utf8, true)].into()), false).into(),
        false,
    );
    check(&[
        ("CARDINALITY(make_array(1, 2, 3))", "3", Int32),
        ("CARDINALITY(make_map('a', 1, 'b', 2))", "2", Int32),
        ("CARDINALITY(CAST(NULL AS INT[]))", "NULL", Int32),
        // Flink: ELT(2, 'scala-1', 'java-2', 'go-3') is 'java-2'; an index out of range is NULL.
        ("ELT(2, 'scala-1', 'java-2', 'go-3')", "java-2", Utf8),
        ("ELT(4, 'scala-1', 'java-2', 'go-3')", "NULL", Utf8),
        ("ELT(0, 'scala-1', 'java-2')", "NULL", Utf8),
        ("ELT(CAST(NULL AS INT), 'scala-1', 'java-2')", "NULL", Utf8),
        ("ELT(1, 1, 2.5)", "1.0", Float64),
        // Flink's defaults: ',' between pairs, '=' between key and value; both are regular expressions.
        ("STR_TO_MAP('a=1,b=2')", "{a: 1, b: 2}", map.clone()),
        ("STR_TO_MAP('a:1;b:2;a:3', ';', ':')", "{a: 3, b: 2}", map.clone()),
        ("STR_TO_MAP('a=1|b', '\\|', '=')", "{a: 1, b: }", map.clone()),
        ("STR_TO_MAP('')", "{}", map.clone()),
        ("STR_TO_MAP(CAST(NULL AS STRING))", "NULL", map.clone()),
        ("STR_TO_MAP('a=1', CAST(NULL AS STRING), '=')", "NULL", map),
    ])
    .await;
    assert!(error("SELECT CARDINALITY('abc')").await.contains("CARDINALITY takes an ARRAY"));
}

#[tokio::test]
async fn printf_left_right() {
    use DataType::*;
    check(&[
        // Java's Formatter (Locale.US), which Flink's PRINTF uses.
        ("PRINTF('%s has %d apples', 'Tom', 3)", "Tom has 3 apples", Utf8),
        ("PRINTF('%5d|%-5d|%05d', 42, 42, -42)", "   42|42   |-0042", Utf8),
        ("PRINTF('%.2f %f', 2.675, 1.5)", "2.68 1.500000", Utf8),
        ("PRINTF('%x %X %,d', 255, 255, 1234567)", "ff FF 1,234,567", Utf8),
        ("PRINTF('%x', CAST(-1 AS INT))", "ffffffff", Utf8),
        ("PRINTF('%2$s %1$s 100%%', 'a', 'b')", "b a 100%", Utf8),
        ("PRINTF('%s', 1.0E10)", "1.0E10", Utf8),
        ("PRINTF('%b %s', TRUE, CAST(NULL AS STRING))", "true null", Utf8),
        // Flink: NULL when the format is NULL or invalid (a missing argument, a mismatched conversion).
        ("PRINTF('%d')", "NULL", Utf8),
        ("PRINTF('%d', 'x')", "NULL", Utf8),
        ("PRINTF('%q', 1)", "NULL", Utf8),
        ("PRINTF(CAST(NULL AS STRING), 1)", "NULL", Utf8),
        // Flink: LEFT/RIGHT give the leftmost/rightmost n characters, '' for a negative n.
        ("LEFT('Hello World', 5)", "Hello", Utf8),
        ("LEFT('Hello', 10)", "Hello", Utf8),
        ("LEFT('Hello', -1)", "", Utf8),
        ("RIGHT('Hello World', 5)", "World", Utf8),
        ("RIGHT('héllo', 4)", "éllo", Utf8),
        ("RIGHT('Hello', -2)", "", Utf8),
        ("LEFT(CAST(NULL AS STRING), 1)", "NULL", Utf8),
        ("RIGHT('Hello', CAST(NULL AS INT))", "NULL", Utf8),
    ])
    .await;
}

#[tokio::test]
async fn rand_is_a_double_below_one_and_repeatable_with_a_seed() {
    // java.util.Random(42).nextDouble() is 0.7275636800328681: Flink's RAND(42) starts there.
    assert_eq!(eval("RAND(42)").await, ("0.7275636800328681".into(), DataType::Float64));
    assert_eq!(eval("RAND(CAST(NULL AS INT))").await, ("NULL".into(), DataType::Float64));
    let ctx = SessionContext::new();
    super::register(&ctx);
    let text = |sql: &'static str| {
        let ctx = ctx.clone();
        async move { datafusion::arrow::util::pretty::pretty_format_batches(&ctx.sql(sql).await.unwrap().collect().await.unwrap()).unwrap().to_string() }
    };
    let seeded = "SELECT RAND(7) AS r FROM generate_series(1, 20)";
    assert_eq!(text(seeded).await, text(seeded).await);
    let spread = text("SELECT min(r) >= 0 AND max(r) < 1 AND count(DISTINCT r) > 900 FROM (SELECT RAND() AS r FROM generate_series(1, 1000))").await;
    assert!(spread.contains("true"), "{spread}");
}

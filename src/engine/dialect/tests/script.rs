//! Splitting scripts into statements.

use super::*;

/// Split `script`, failing the test on error.
fn split(script: &str) -> Vec<String> {
    split_statements(script).unwrap_or_else(|e| panic!("{script:?}: {e}"))
}

#[test]
fn splits_at_semicolons_outside_quotes_and_comments() {
    let cases: Vec<(&str, Vec<&str>)> = vec![
        ("SELECT 1; SELECT 2;", vec!["SELECT 1", "SELECT 2"]),
        ("SELECT 1", vec!["SELECT 1"]),
        ("SELECT ';' AS a; SELECT 2", vec!["SELECT ';' AS a", "SELECT 2"]),
        ("SELECT 'it''s; fine';\nSELECT 2", vec!["SELECT 'it''s; fine'", "SELECT 2"]),
        ("SELECT `a;b` FROM t; SELECT \"x;y\" FROM u", vec!["SELECT `a;b` FROM t", "SELECT \"x;y\" FROM u"]),
        ("SELECT 1 -- ; not a split\n; SELECT 2 /* ; */;", vec!["SELECT 1", "SELECT 2"]),
        (
            "-- header\nSET 'a' = 'b';\n\n/* c */ SELECT 1 /* in; side */ + 1;",
            vec!["SET 'a' = 'b'", "SELECT 1 /* in; side */ + 1"],
        ),
        ("SELECT 'é;ü'; SELECT 'ß'", vec!["SELECT 'é;ü'", "SELECT 'ß'"]),
        (";;  ; -- only a comment\n", vec![]),
        ("", vec![]),
        (
            "CREATE TABLE t (\n  a INT\n) WITH ('connector' = 'datagen');\nINSERT INTO s SELECT * FROM t;",
            vec!["CREATE TABLE t (\n  a INT\n) WITH ('connector' = 'datagen')", "INSERT INTO s SELECT * FROM t"],
        ),
    ];
    for (script, expected) in cases {
        assert_eq!(split(script), expected, "{script:?}");
    }
}

#[test]
fn statement_set_blocks_stay_whole() {
    let block = "EXECUTE STATEMENT SET BEGIN\n  INSERT INTO a SELECT 1;\n  INSERT INTO b SELECT 2;\nEND";
    assert_eq!(split(&format!("{block};\nSELECT 3;")), vec![block, "SELECT 3"]);
    assert_eq!(split(block), vec![block]);
    // CASE ... END inside an INSERT does not close the block.
    let block = "execute statement set begin insert into a select case when x then 1 end from t; end";
    assert_eq!(split(&format!("{block}; SELECT 1")), vec![block, "SELECT 1"]);
    let explain = "EXPLAIN CHANGELOG_MODE STATEMENT SET BEGIN INSERT INTO a SELECT 1; END";
    assert_eq!(split(&format!("{explain}; SELECT 1")), vec![explain, "SELECT 1"]);
    // The interactive form is separate statements.
    assert_eq!(
        split("BEGIN STATEMENT SET; INSERT INTO a SELECT 1; END;"),
        vec!["BEGIN STATEMENT SET", "INSERT INTO a SELECT 1", "END"]
    );
    // An unfinished block runs to the end of the script; parsing it reports EOF.
    let unfinished = split("EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT 1; INSERT INTO b SELECT 2;");
    assert_eq!(unfinished, vec!["EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT 1; INSERT INTO b SELECT 2;"]);
    assert!(err(&unfinished[0]).contains("Encountered \"<EOF>\""));
    // Every split statement parses.
    let script = format!("{block};\nSET 'k' = 'v';\n-- done\n");
    for statement in split(&script) {
        parse(&statement).unwrap();
    }
}

#[test]
fn unterminated_quotes_and_comments_are_errors() {
    for script in ["SELECT 'abc", "SELECT 1; /* open", "SELECT `x"] {
        match split_statements(script) {
            Err(GatewayError::Sql(message)) => {
                assert!(message.contains("Encountered \"<EOF>\""), "{script}: {message}")
            }
            other => panic!("{script:?}: {other:?}"),
        }
    }
}

//! Statement completion: candidates for the word under the cursor.

use datafusion::sql::sqlparser::keywords::ALL_KEYWORDS;

/// Candidates for the word that ends at character `position` of `statement`:
/// SQL keywords and the given catalog `names` that start with it (case
/// insensitive), keywords first. An empty word has no candidates.
pub fn candidates(statement: &str, position: usize, names: &[String]) -> Vec<String> {
    let end = statement.char_indices().nth(position).map_or(statement.len(), |(i, _)| i);
    let before = &statement[..end];
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '_')
        .last()
        .map_or(end, |(i, _)| i);
    let word = &before[start..];
    if word.is_empty() {
        return Vec::new();
    }
    let upper = word.to_uppercase();
    let lower = word.to_lowercase();
    let mut out: Vec<String> = ALL_KEYWORDS
        .iter()
        .filter(|k| k.starts_with(&upper) && k.len() > upper.len())
        .map(|k| k.to_string())
        .collect();
    out.extend(names.iter().filter(|n| n.to_lowercase().starts_with(&lower) && n.len() > word.len()).cloned());
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completes_keywords_and_names_at_the_cursor() {
        let names = vec!["orders".to_string(), "order_items".to_string()];
        let got = candidates("CREATE TA", 9, &names);
        assert!(got.contains(&"TABLE".to_string()), "{got:?}");
        assert!(got.iter().all(|c| c.starts_with("TA")), "{got:?}");
        assert_eq!(candidates("SELECT * FROM ord", 17, &names), vec!["ORDER".to_string(), "ORDINALITY".to_string(), "orders".to_string(), "order_items".to_string()]);
        assert!(candidates("SELECT ", 7, &names).is_empty());
        assert!(candidates("SELECT * FROM ord", 99, &names).contains(&"orders".to_string()));
    }
}

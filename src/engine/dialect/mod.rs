//! The Flink SQL dialect on top of the SQL parser DataFusion uses.

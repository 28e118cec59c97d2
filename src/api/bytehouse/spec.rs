//! The OpenAPI description of every ByteHouse-style route (filled below).

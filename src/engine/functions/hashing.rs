//! Flink's hash functions: `MD5`, `SHA1`, `SHA224`, `SHA256`, `SHA384`,
//! `SHA512` and `SHA2(s, bits)`, each answering the digest as lower-case
//! hexadecimal `STRING`, as Flink does. DataFusion's `sha224` .. `sha512`
//! answer `BINARY` and its `md5` a `Utf8View`; these replace them.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, StringBuilder};
use datafusion::arrow::datatypes::{DataType, Int64Type};
use datafusion::common::{exec_err, plan_err};
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::{ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility};
use sha2::Digest;

use super::{arrays, check_count, is_integer};

/// The functions of this file.
pub(super) fn all() -> Vec<ScalarUDF> {
    ["md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha2"]
        .into_iter()
        .map(|name| ScalarUDF::new_from_impl(Hash { name, signature: Signature::user_defined(Volatility::Immutable) }))
        .collect()
}

/// One hash function, told apart by name.
#[derive(Debug, PartialEq, Eq, Hash)]
struct Hash {
    /// The function's (lower-case) name, which names the algorithm too.
    name: &'static str,
    /// Text or bytes (and for `sha2` the bit length); coerced in `coerce_types`.
    signature: Signature,
}

impl ScalarUDFImpl for Hash {
    fn name(&self) -> &str {
        self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> DfResult<Vec<DataType>> {
        let count = if self.name == "sha2" { 2..=2 } else { 1..=1 };
        check_count(self.name, arg_types.len(), count)?;
        // Bytes are hashed as they are; anything else as its text (Flink's implicit cast to STRING).
        let input = match &arg_types[0] {
            DataType::Binary | DataType::LargeBinary | DataType::BinaryView | DataType::FixedSizeBinary(_) => DataType::Binary,
            _ => DataType::Utf8,
        };
        if self.name == "sha2" {
            if !is_integer(&arg_types[1]) {
                return plan_err!("No match found for function signature SHA2(<STRING>, <INTEGER>): the hash length is {}", arg_types[1]);
            }
            return Ok(vec![input, DataType::Int64]);
        }
        Ok(vec![input])
    }

    fn return_type(&self, _arg_types: &[DataType]) -> DfResult<DataType> {
        Ok(DataType::Utf8)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let arrays = arrays(&args.args, args.number_rows)?;
        let input = &arrays[0];
        let bits = arrays.get(1).map(|b| b.as_primitive::<Int64Type>());
        let fixed = match self.name {
            "sha2" => None,
            name => Some(Algorithm::named(name)?),
        };
        let mut out = StringBuilder::with_capacity(input.len(), input.len() * 64);
        let mut hex = String::with_capacity(128);
        for i in 0..input.len() {
            let Some(bytes) = bytes_at(input, i) else {
                out.append_null();
                continue;
            };
            let algorithm = match (fixed, bits) {
                (Some(a), _) => a,
                (None, Some(bits)) if bits.is_valid(i) => Algorithm::sha2(bits.value(i))?,
                _ => {
                    out.append_null();
                    continue;
                }
            };
            hex.clear();
            algorithm.write_hex(bytes, &mut hex);
            out.append_value(&hex);
        }
        Ok(ColumnarValue::Array(Arc::new(out.finish()) as ArrayRef))
    }
}

/// Row `i` of a text or binary array as bytes; `None` when NULL.
fn bytes_at(array: &ArrayRef, i: usize) -> Option<&[u8]> {
    if array.is_null(i) {
        return None;
    }
    match array.data_type() {
        DataType::Binary => Some(array.as_binary::<i32>().value(i)),
        _ => array.as_string_opt::<i32>().map(|s| s.value(i).as_bytes()),
    }
}

/// A digest algorithm.
#[derive(Debug, Clone, Copy)]
enum Algorithm {
    /// MD5 (128 bits).
    Md5,
    /// SHA-1 (160 bits).
    Sha1,
    /// SHA-224.
    Sha224,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl Algorithm {
    /// The algorithm a function of this file is named for.
    fn named(name: &str) -> DfResult<Self> {
        Ok(match name {
            "md5" => Self::Md5,
            "sha1" => Self::Sha1,
            "sha224" => Self::Sha224,
            "sha256" => Self::Sha256,
            "sha384" => Self::Sha384,
            "sha512" => Self::Sha512,
            other => return exec_err!("{other}: unknown hash function"),
        })
    }

    /// `SHA2`'s algorithm for a hash length in bits.
    fn sha2(bits: i64) -> DfResult<Self> {
        Ok(match bits {
            224 => Self::Sha224,
            256 => Self::Sha256,
            384 => Self::Sha384,
            512 => Self::Sha512,
            other => return exec_err!("SHA2: the hash length must be one of 224, 256, 384 or 512, not {other}"),
        })
    }

    /// Append the digest of `bytes` to `out` as lower-case hexadecimal.
    fn write_hex(self, bytes: &[u8], out: &mut String) {
        match self {
            Self::Md5 => push_hex(&md5::Md5::digest(bytes), out),
            Self::Sha1 => push_hex(&sha1::Sha1::digest(bytes), out),
            Self::Sha224 => push_hex(&sha2::Sha224::digest(bytes), out),
            Self::Sha256 => push_hex(&sha2::Sha256::digest(bytes), out),
            Self::Sha384 => push_hex(&sha2::Sha384::digest(bytes), out),
            Self::Sha512 => push_hex(&sha2::Sha512::digest(bytes), out),
        }
    }
}

/// Append `bytes` to `out` as lower-case hexadecimal.
pub(super) fn push_hex(bytes: &[u8], out: &mut String) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0xf)] as char);
    }
}

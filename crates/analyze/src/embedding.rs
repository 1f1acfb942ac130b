//! Static semantic vectors: an optional model that gives each article a dense vector,
//! so that paraphrases (*quake* and *tremor*) and translations (*earthquake*,
//! *jordskjelv*, *Erdbeben*) come close even where they share no word.
//!
//! The model is a *static* embedding model in model2vec's layout: a `tokenizer.json`
//! (Hugging Face's format) and a `model.safetensors` holding one matrix with a row per
//! token. A text's vector is the sum of its tokens' rows, normalised: a lookup and an
//! addition, no encoder, so analysis stays at tens of thousands of articles per second.
//! The rows of a distilled model already carry each token's weight (model2vec weighs
//! common tokens down), so the sum needs no further weighting.
//!
//! Weights are never fetched: the model is read from a directory the user names
//! (`scripts/distill-model.py` writes one from a permissively licensed encoder).

use std::path::{Path, PathBuf};

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};

use rustc_hash::FxHashMap;
use safetensors::{Dtype, SafeTensors};
use tokenizers::Tokenizer;
use xxhash_rust::xxh3::xxh3_64_with_seed;

/// Characters of an article's body that go into its vector after the headline: the lead
/// says what the article is about, and tokenizing whole bodies would cost more than the
/// rest of the analysis.
pub(crate) const EMBEDDED_BODY_CHARS: usize = 400;

/// Why a model directory could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("{path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{path}: not a tokenizer this version reads: {message}")]
    Tokenizer { path: PathBuf, message: String },
    #[error("{path}: {message}")]
    Matrix { path: PathBuf, message: String },
}

/// A static embedding model: a tokenizer and a row of weights per token.
pub struct StaticModel {
    tokenizer: Tokenizer,
    /// Row-major, `rows * dims`, each row scaled to the range of an i8 (see [`quantize`]).
    matrix: Vec<i8>,
    /// Each row's scale: row value = `scale * i8`.
    scales: Vec<f32>,
    dims: usize,
    /// Where it was read from, for messages and the store's settings.
    dir: PathBuf,
    /// Seeds the word hashes of the token cache, so that two models loaded by one
    /// process never share an entry.
    seed: u64,
}

/// The seed of the next model loaded.
static NEXT_SEED: AtomicU64 = AtomicU64::new(1);

impl std::fmt::Debug for StaticModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaticModel").field("dir", &self.dir).field("dims", &self.dims).finish_non_exhaustive()
    }
}

impl StaticModel {
    /// Reads `dir/tokenizer.json` and `dir/model.safetensors` (its one matrix, or the one
    /// named `embeddings`; F32 or F16).
    pub fn load(dir: &Path) -> Result<Self, ModelError> {
        let tokenizer_path = dir.join("tokenizer.json");
        let tokenizer = Tokenizer::from_file(&tokenizer_path)
            .map_err(|e| ModelError::Tokenizer { path: tokenizer_path.clone(), message: e.to_string() })?;
        let matrix_path = dir.join("model.safetensors");
        let bytes =
            std::fs::read(&matrix_path).map_err(|source| ModelError::Read { path: matrix_path.clone(), source })?;
        let (matrix, scales, rows, dims) =
            read_matrix(&bytes).map_err(|message| ModelError::Matrix { path: matrix_path.clone(), message })?;
        drop(bytes);
        let vocabulary = tokenizer.get_vocab_size(true);
        if rows < vocabulary {
            return Err(ModelError::Matrix {
                path: matrix_path,
                message: format!("{rows} rows for a vocabulary of {vocabulary} tokens"),
            });
        }
        let seed = NEXT_SEED.fetch_add(1, Ordering::Relaxed);
        Ok(Self { tokenizer, matrix, scales, dims, dir: dir.to_path_buf(), seed })
    }

    /// The vector's length.
    pub fn dims(&self) -> usize {
        self.dims
    }

    /// The directory the model was read from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The normalised sum of the text's token rows; empty where no token has a row with
    /// any weight (an empty text, or only tokens the model leaves at zero).
    pub fn embed(&self, text: &str) -> Vec<f32> {
        let mut sum = vec![0.0f32; self.dims];
        TOKENS.with_borrow_mut(|cache| {
            if cache.len() > CACHE_LIMIT {
                cache.clear();
            }
            for word in text.split_whitespace() {
                let ids =
                    cache.entry(xxh3_64_with_seed(word.as_bytes(), self.seed)).or_insert_with(|| self.token_ids(word));
                for &id in ids.iter() {
                    let start = id as usize * self.dims;
                    if let (Some(row), Some(&scale)) =
                        (self.matrix.get(start..start + self.dims), self.scales.get(id as usize))
                    {
                        sum.iter_mut().zip(row).for_each(|(s, &r)| *s += scale * f32::from(r));
                    }
                }
            }
        });
        let norm = sum.iter().map(|x| x * x).sum::<f32>().sqrt();
        if norm <= f32::EPSILON {
            return Vec::new();
        }
        sum.iter_mut().for_each(|x| *x /= norm);
        sum
    }

    /// The tokens of one word.
    fn token_ids(&self, word: &str) -> Box<[u32]> {
        self.tokenizer.encode_fast(word, false).map(|e| e.get_ids().into()).unwrap_or_default()
    }
}

/// Words whose tokens a thread remembers at most (then it starts afresh).
const CACHE_LIMIT: usize = 200_000;

thread_local! {
    /// A word's tokens, by the word's hash. Tokenizing is most of the cost of a vector and
    /// news repeats its words; the tokenizers these models use split text at whitespace
    /// before anything else, so a word's tokens do not depend on its neighbours. Keyed
    /// with the model's seed, so models loaded by one process keep apart.
    static TOKENS: RefCell<FxHashMap<u64, Box<[u32]>>> = RefCell::new(FxHashMap::default());
}

/// The matrix of a safetensors file: its only tensor or the one named `embeddings`,
/// two-dimensional, F32 or F16. Returns it quantised row by row (see [`quantize_row`]),
/// so that no full-precision copy is held next to the file's bytes: the values, each
/// row's scale, rows and columns.
fn read_matrix(bytes: &[u8]) -> Result<(Vec<i8>, Vec<f32>, usize, usize), String> {
    let tensors = SafeTensors::deserialize(bytes).map_err(|e| e.to_string())?;
    let names = tensors.names();
    let name = match names.iter().find(|n| **n == "embeddings") {
        Some(n) => n.to_string(),
        None if names.len() == 1 => names[0].to_string(),
        None => return Err(format!("no tensor named \"embeddings\" among {} tensors", names.len())),
    };
    let view = tensors.tensor(&name).map_err(|e| e.to_string())?;
    let &[rows, dims] = view.shape() else {
        return Err(format!("tensor \"{name}\" has shape {:?}, not rows x dims", view.shape()));
    };
    if dims == 0 {
        return Err(format!("tensor \"{name}\" has no columns"));
    }
    let width = match view.dtype() {
        Dtype::F32 => 4,
        Dtype::F16 => 2,
        other => return Err(format!("tensor \"{name}\" is {other:?}; F32 and F16 are read")),
    };
    let (mut values, mut scales) = (Vec::with_capacity(rows * dims), Vec::with_capacity(rows));
    let mut row = vec![0.0f32; dims];
    for raw in view.data().chunks_exact(dims * width) {
        for (x, b) in row.iter_mut().zip(raw.chunks_exact(width)) {
            *x = match b {
                [a, b, c, d] => f32::from_le_bytes([*a, *b, *c, *d]),
                [a, b] => f16_to_f32(u16::from_le_bytes([*a, *b])),
                _ => 0.0,
            };
        }
        scales.push(quantize_row(&row, &mut values));
    }
    Ok((values, scales, rows, dims))
}

/// Appends a row as i8s and returns its scale (its largest magnitude over 127). A text's
/// vector is a sum of a few hundred rows picked at random from a matrix of hundreds of
/// megabytes, so reading the rows from memory is most of its cost; a quarter of the bytes
/// is a quarter of that, and a row keeps its direction (cosine above 0.999, tested).
fn quantize_row(row: &[f32], out: &mut Vec<i8>) -> f32 {
    let max = row.iter().fold(0.0f32, |m, x| m.max(x.abs()));
    let scale = if max > 0.0 { max / 127.0 } else { 0.0 };
    out.extend(row.iter().map(|x| if scale > 0.0 { (x / scale).round().clamp(-127.0, 127.0) as i8 } else { 0 }));
    scale
}

/// An IEEE half-precision value as f32 (subnormals, infinities and NaN included).
fn f16_to_f32(h: u16) -> f32 {
    let sign = if h & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exponent = i32::from((h >> 10) & 0x1f);
    let mantissa = f32::from(h & 0x3ff);
    match exponent {
        0 => sign * mantissa * 2f32.powi(-24),
        31 if mantissa == 0.0 => sign * f32::INFINITY,
        31 => f32::NAN,
        e => sign * (1.0 + mantissa / 1024.0) * 2f32.powi(e - 15),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use safetensors::tensor::TensorView;

    /// Cosine of two normalised vectors (0 where their lengths differ).
    fn cosine(a: &[f32], b: &[f32]) -> f32 {
        if a.len() != b.len() {
            return 0.0;
        }
        a.iter().zip(b).map(|(x, y)| x * y).sum()
    }

    /// A Unigram tokenizer over a few whole words (with SentencePiece's word marker), and
    /// rows that put the two words for a quake on one axis and a banana on another.
    const PIECES: [(&str, [f32; 3]); 6] = [
        ("<unk>", [0.0, 0.0, 0.0]),
        ("\u{2581}earthquake", [1.0, 0.0, 0.0]),
        ("\u{2581}jordskjelv", [0.9, 0.1, 0.0]),
        ("\u{2581}banana", [0.0, 0.0, 1.0]),
        ("\u{2581}the", [0.0, 0.0, 0.0]),
        ("\u{2581}", [0.0, 0.0, 0.0]),
    ];

    fn tokenizer_json() -> String {
        let vocab: Vec<serde_json::Value> =
            PIECES.iter().enumerate().map(|(i, (p, _))| serde_json::json!([p, -(i as f64)])).collect();
        serde_json::json!({
            "version": "1.0",
            "truncation": null,
            "padding": null,
            "added_tokens": [],
            "normalizer": {"type": "NFKC"},
            "pre_tokenizer": {"type": "Metaspace", "replacement": "\u{2581}", "prepend_scheme": "always", "split": true},
            "post_processor": null,
            "decoder": null,
            "model": {"type": "Unigram", "unk_id": 0, "vocab": vocab, "byte_fallback": false}
        })
        .to_string()
    }

    fn matrix_bytes(dtype: Dtype, rows: usize) -> Vec<u8> {
        let values: Vec<f32> = PIECES.iter().take(rows).flat_map(|(_, r)| *r).collect();
        let data: Vec<u8> = match dtype {
            Dtype::F16 => values.iter().flat_map(|&v| f32_to_f16_for_test(v).to_le_bytes()).collect(),
            _ => values.iter().flat_map(|v| v.to_le_bytes()).collect(),
        };
        let view = TensorView::new(dtype, vec![rows, 3], &data).expect("a view");
        safetensors::serialize([("embeddings", view)], None).expect("serializes")
    }

    /// Exact for the values used here (0, 0.1-ish, 0.9-ish, 1).
    fn f32_to_f16_for_test(v: f32) -> u16 {
        if v == 0.0 {
            return 0;
        }
        let exp = v.log2().floor() as i32;
        let mantissa = ((v / 2f32.powi(exp) - 1.0) * 1024.0).round() as u16;
        (((exp + 15) as u16) << 10) | mantissa
    }

    fn model_dir(dtype: Dtype, rows: usize) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("a temporary directory");
        std::fs::write(dir.path().join("tokenizer.json"), tokenizer_json()).expect("written");
        std::fs::write(dir.path().join("model.safetensors"), matrix_bytes(dtype, rows)).expect("written");
        dir
    }

    #[test]
    fn a_text_is_the_normalised_sum_of_its_token_rows() {
        let dir = model_dir(Dtype::F32, PIECES.len());
        let model = StaticModel::load(dir.path()).expect("loads");
        assert_eq!(model.dims(), 3);
        let quake = model.embed("the earthquake");
        let skjelv = model.embed("jordskjelv");
        let banana = model.embed("banana");
        assert!((quake.iter().map(|x| x * x).sum::<f32>() - 1.0).abs() < 1e-5);
        assert!(cosine(&quake, &skjelv) > 0.99, "{quake:?} {skjelv:?}");
        assert!(cosine(&quake, &banana).abs() < 1e-6);
        let both = model.embed("earthquake banana");
        assert!((cosine(&both, &quake) - std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-5);
        assert!(model.embed("the").is_empty(), "only weightless tokens: no vector");
        assert!(model.embed("").is_empty());
        assert!(model.embed("zzz qqq").is_empty(), "unknown words have no row weight");
    }

    #[test]
    fn half_precision_matrices_read_the_same() {
        let full = StaticModel::load(model_dir(Dtype::F32, PIECES.len()).path()).expect("loads");
        let half = StaticModel::load(model_dir(Dtype::F16, PIECES.len()).path()).expect("loads");
        let (a, b) = (full.embed("jordskjelv banana"), half.embed("jordskjelv banana"));
        assert!(cosine(&a, &b) > 0.9999, "{a:?} {b:?}");
    }

    #[test]
    fn a_model_that_cannot_be_used_is_refused_with_its_path() {
        let missing = tempfile::tempdir().expect("a temporary directory");
        let err = StaticModel::load(missing.path()).expect_err("no files");
        assert!(err.to_string().contains("tokenizer.json"), "{err}");

        let short = model_dir(Dtype::F32, 3);
        let err = StaticModel::load(short.path()).expect_err("fewer rows than tokens");
        assert!(err.to_string().contains("3 rows for a vocabulary of 6 tokens"), "{err}");

        let garbage = model_dir(Dtype::F32, PIECES.len());
        std::fs::write(garbage.path().join("model.safetensors"), b"not a safetensors file").expect("written");
        let err = StaticModel::load(garbage.path()).expect_err("not safetensors");
        assert!(err.to_string().contains("model.safetensors"), "{err}");
    }

    #[test]
    fn a_quantised_row_keeps_its_direction() {
        // A spread of magnitudes, as SIF-weighted rows have.
        let row: Vec<f32> = (0..256).map(|i| ((i * 37 % 101) as f32 - 50.0) * 0.013 * (1.0 + (i % 7) as f32)).collect();
        let mut q = Vec::new();
        let scale = quantize_row(&row, &mut q);
        let back: Vec<f32> = q.iter().map(|&v| scale * f32::from(v)).collect();
        let norm = |v: &[f32]| v.iter().map(|x| x * x).sum::<f32>().sqrt();
        let cos = row.iter().zip(&back).map(|(a, b)| a * b).sum::<f32>() / (norm(&row) * norm(&back));
        assert!(cos > 0.999, "{cos}");
        let mut zero = Vec::new();
        assert_eq!(quantize_row(&[0.0; 4], &mut zero), 0.0);
        assert_eq!(zero, [0; 4]);
    }

    #[test]
    fn half_precision_values_convert_exactly() {
        assert_eq!(f16_to_f32(0x3c00), 1.0);
        assert_eq!(f16_to_f32(0xc000), -2.0);
        assert_eq!(f16_to_f32(0x0001), 2f32.powi(-24));
        assert_eq!(f16_to_f32(0x7c00), f32::INFINITY);
        assert!(f16_to_f32(0x7e00).is_nan());
    }
}

//! One writer per data directory: an exclusive lock on a lock file, released by the
//! operating system when the process ends (even by SIGKILL), so a crash never leaves a
//! stale lock behind.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::Path;

use crate::StoreError;

pub(crate) const LOCK_FILE: &str = "writer.lock";

pub(crate) struct WriterLock {
    _file: File,
}

impl WriterLock {
    pub fn acquire(dir: &Path) -> Result<Self, StoreError> {
        let path = dir.join(LOCK_FILE);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| StoreError::io(&path, e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder =
                    if holder.trim().is_empty() { "another process".into() } else { holder.trim().to_string() };
                return Err(StoreError::Locked { path: dir.to_path_buf(), holder });
            }
            Err(TryLockError::Error(e)) => return Err(StoreError::io(&path, e)),
        }
        // Who holds it, for the message the next writer gets.
        let _ = file.set_len(0);
        let _ = file.rewind();
        let _ = write!(file, "tidings process {}", std::process::id());
        let _ = file.flush();
        Ok(Self { _file: file })
    }
}

//! The index's directory, readable where it cannot be written.
//!
//! tantivy takes a lock file even to read (so that a writer's merge does not delete
//! segment files a reader is opening). In a data directory the user may read but not
//! write (a shared store, a read-only mount) that lock cannot be created, and every search
//! failed with a lock-file error. There, reading goes on without the lock: nothing can
//! write the directory through this process, and a writer elsewhere only ever adds
//! segments before it deletes old ones.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::directory::error::{DeleteError, LockError, OpenDirectoryError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, META_LOCK, MmapDirectory, WatchCallback, WatchHandle, WritePtr,
};

/// An [`MmapDirectory`] whose readers need no lock file where none can be made.
#[derive(Debug, Clone)]
pub(crate) struct IndexDirectory {
    inner: MmapDirectory,
}

impl IndexDirectory {
    pub fn open(path: &Path) -> Result<Self, OpenDirectoryError> {
        Ok(Self { inner: MmapDirectory::open(path)? })
    }
}

/// Whether an I/O error means "you may not write here".
pub(crate) fn is_read_only(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem)
}

/// Whether a tantivy error comes from a directory that cannot be written.
pub(crate) fn tantivy_read_only(e: &tantivy::TantivyError) -> bool {
    use tantivy::TantivyError as T;
    match e {
        T::LockFailure(LockError::IoError(io), _) => is_read_only(io),
        T::IoError(io) => is_read_only(io),
        T::OpenWriteError(OpenWriteError::IoError { io_error, .. }) => is_read_only(io_error),
        _ => false,
    }
}

impl Directory for IndexDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.inner.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.inner.atomic_write(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.inner.sync_directory()
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }

    /// The readers' lock is skipped where it cannot be created; the writer's never is.
    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        match self.inner.acquire_lock(lock) {
            Err(LockError::IoError(e)) if lock.filepath == META_LOCK.filepath && is_read_only(&e) => {
                Ok(DirectoryLock::from(Box::new(PathBuf::new())))
            }
            other => other,
        }
    }
}

//! The gateway's list of catalogs, shared by every session's DataFusion
//! state. DataFusion's own list cannot forget a catalog; this one can, so
//! `DROP CATALOG` really drops.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use datafusion::catalog::{CatalogProvider, CatalogProviderList};

/// Catalogs by name.
#[derive(Debug, Default)]
pub struct CatalogList {
    /// The catalogs; readers far outnumber writers (DDL).
    catalogs: RwLock<BTreeMap<String, Arc<dyn CatalogProvider>>>,
}

impl CatalogList {
    /// Forget `name`; answers the catalog it was.
    pub fn deregister(&self, name: &str) -> Option<Arc<dyn CatalogProvider>> {
        self.catalogs.write().ok()?.remove(name)
    }
}

impl CatalogProviderList for CatalogList {
    fn register_catalog(&self, name: String, catalog: Arc<dyn CatalogProvider>) -> Option<Arc<dyn CatalogProvider>> {
        self.catalogs.write().ok()?.insert(name, catalog)
    }

    fn catalog_names(&self) -> Vec<String> {
        self.catalogs.read().map(|c| c.keys().cloned().collect()).unwrap_or_default()
    }

    fn catalog(&self, name: &str) -> Option<Arc<dyn CatalogProvider>> {
        self.catalogs.read().ok()?.get(name).cloned()
    }
}

//! Progress notifications for the import tools. The import runs on a blocking
//! thread (it is mostly CPU: parse, validate, one large write), so the runtime is free
//! to send its steps to the client while it works; without a progress token nothing
//! is sent.

use rmcp::model::{ProgressNotificationParam, RequestMetaObject};
use rmcp::{Peer, RoleServer};

use crate::progress::Step;

/// Runs `import` on a blocking thread with a reporter that forwards each step as
/// a progress notification, and waits for the last one to be sent.
pub(super) async fn reporting<T: Send + 'static>(
    meta: &RequestMetaObject,
    peer: Peer<RoleServer>,
    import: impl FnOnce(&(dyn Fn(Step) + Send + Sync)) -> crate::Result<T> + Send + 'static,
) -> Result<crate::Result<T>, String> {
    let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel::<Step>();
    let forwarder = meta.get_progress_token().map(|token| {
        tokio::spawn(async move {
            while let Some(step) = receiver.recv().await {
                let note = ProgressNotificationParam::new(token.clone(), step.position() as f64)
                    .with_total(step.scale() as f64)
                    .with_message(step.message());
                let _ = peer.notify_progress(note).await;
            }
        })
    });
    let report = move |step: Step| {
        let _ = sender.send(step);
    };
    let outcome =
        tokio::task::spawn_blocking(move || import(&report)).await.map_err(|e| format!("the import stopped: {e}"))?;
    if let Some(forwarder) = forwarder {
        let _ = forwarder.await;
    }
    Ok(outcome)
}

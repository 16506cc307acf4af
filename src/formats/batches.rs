//! Rendering documents on a few worker threads while this one writes, in order.

/// How many documents each worker renders per batch: enough to keep thread start-up
/// cheap, few enough that cancelling stops soon.
const DOCUMENTS_PER_WORKER: usize = 16;

/// Runs `work` on every item (a document, or a document and its file name) on a few
/// worker threads, a batch at a time, and hands the results to `each` in order, on this
/// thread. The next batch is rendered while `each` writes out the one before. Stops at
/// the first error `each` returns.
pub(crate) fn in_batches<I: Sync, T: Send, E>(
    items: &[I],
    work: impl Fn(&I) -> T + Sync,
    mut each: impl FnMut(&I, T) -> Result<(), E>,
) -> Result<(), E> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    if workers == 1 {
        for item in items {
            each(item, work(item))?;
        }
        return Ok(());
    }
    let work = &work;
    std::thread::scope(|scope| {
        // Each round collects the batch rendered in the round before, starts rendering
        // the next one, and hands the collected results on while that runs.
        let mut rendering = Vec::new();
        let mut rendered_batch: Option<&[I]> = None;
        let batches = items.chunks(workers * DOCUMENTS_PER_WORKER).map(Some);
        for batch in batches.chain([None]) {
            let results: Vec<T> = std::mem::take(&mut rendering)
                .into_iter()
                // A worker only panics on a bug; pass the panic on as it is.
                .flat_map(|handle: std::thread::ScopedJoinHandle<'_, Vec<T>>| {
                    handle
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect();
            if let Some(batch) = batch {
                rendering = batch
                    .chunks(batch.len().div_ceil(workers))
                    .map(|share| scope.spawn(move || share.iter().map(work).collect()))
                    .collect();
            }
            if let Some(done) = rendered_batch {
                for (item, result) in done.iter().zip(results) {
                    each(item, result)?;
                }
            }
            rendered_batch = batch;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::in_batches;

    #[test]
    fn batches_hand_every_result_on_in_order() {
        let items: Vec<usize> = (0..1_000).collect();
        let mut seen = Vec::new();
        let result: Result<(), ()> = in_batches(
            &items,
            |&n| n * 2,
            |&n, doubled| {
                assert_eq!(doubled, n * 2);
                seen.push(n);
                Ok(())
            },
        );
        assert_eq!(result, Ok(()));
        assert_eq!(seen, items);
    }

    #[test]
    fn batches_stop_at_the_first_error() {
        let items: Vec<usize> = (0..1_000).collect();
        let mut seen = 0;
        let result = in_batches(
            &items,
            |&n| n,
            |&n, _| {
                if n == 150 {
                    return Err(n);
                }
                seen += 1;
                Ok(())
            },
        );
        assert_eq!(result, Err(150));
        assert_eq!(seen, 150);
    }
}

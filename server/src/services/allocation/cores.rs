//! Sharing one plan's arithmetic over the machine's cores: its wholesalers are independent, so
//! they are dealt out by size to one thread per core and their results put back in order.

use std::num::NonZero;
use std::thread;

/// `work` applied to every item, on up to one thread per core (the calling thread is one of
/// them); items are dealt out largest `weight` first to the least loaded thread. The results come
/// back in the items' order. A panic in `work` is raised again here.
pub(super) fn map_on_cores<T, R>(
    items: Vec<T>,
    weight: impl Fn(&T) -> usize,
    work: impl Fn(T) -> R + Sync,
) -> Vec<R>
where
    T: Send,
    R: Send,
{
    let threads = thread::available_parallelism()
        .map_or(1, NonZero::get)
        .min(items.len())
        .max(1);
    let mut bins: Vec<(usize, Vec<(usize, T)>)> = (0..threads).map(|_| (0, Vec::new())).collect();
    let mut order: Vec<(usize, T)> = items.into_iter().enumerate().collect();
    order.sort_by_key(|(_, item)| std::cmp::Reverse(weight(item)));
    for (index, item) in order {
        let load = weight(&item);
        if let Some(bin) = bins.iter_mut().min_by_key(|(load, _)| *load) {
            bin.0 += load;
            bin.1.push((index, item));
        }
    }
    let work = &work;
    let run = move |bin: Vec<(usize, T)>| -> Vec<(usize, R)> {
        bin.into_iter().map(|(i, item)| (i, work(item))).collect()
    };
    let mut bins = bins.into_iter().map(|(_, bin)| bin);
    let first = bins.next().unwrap_or_default();
    let mut done: Vec<(usize, R)> = thread::scope(|scope| {
        let others: Vec<_> = bins.map(|bin| scope.spawn(move || run(bin))).collect();
        let mut done = run(first);
        for other in others {
            done.extend(
                other
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            );
        }
        done
    });
    done.sort_unstable_by_key(|(index, _)| *index);
    done.into_iter().map(|(_, result)| result).collect()
}

#[cfg(test)]
mod tests {
    use super::map_on_cores;

    #[test]
    fn every_item_is_worked_once_and_comes_back_in_order() {
        let items: Vec<u64> = (0..257).map(|i| (i * 7919) % 1000).collect();
        let doubled = map_on_cores(
            items.clone(),
            |n| usize::try_from(*n).unwrap_or(0),
            |n| n * 2,
        );
        assert_eq!(doubled, items.iter().map(|n| n * 2).collect::<Vec<_>>());
        assert!(map_on_cores(Vec::<u8>::new(), |_| 1, |n| n).is_empty());
        assert_eq!(map_on_cores(vec![5], |_| 0, |n| n + 1), [6]);
    }
}

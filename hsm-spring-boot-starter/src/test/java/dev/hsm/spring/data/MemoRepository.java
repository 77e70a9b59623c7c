package dev.hsm.spring.data;

import org.springframework.data.repository.CrudRepository;

/** The contract's memos. */
public interface MemoRepository extends CrudRepository<Memo, Long> {}

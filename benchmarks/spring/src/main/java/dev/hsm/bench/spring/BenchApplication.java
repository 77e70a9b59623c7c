package dev.hsm.bench.spring;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/**
 * A plain Boot application (no web, no JDBC) whose only bean of its own is the annotated service.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(AnnotatedService.class)
public class BenchApplication {}

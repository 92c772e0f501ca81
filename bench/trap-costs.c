/*
 * What this machine charges for a syscall and a page fault, outside Node: a getppid() loop, the first
 * touch of each page of a fresh anonymous mapping (one fault each), a second touch (none), and the same
 * pages populated in one mmap(MAP_POPULATE) call (no per-page trap). On the development VM (a PVM guest):
 * 1.04-1.06 µs a syscall, 13.3-13.6 µs a fault, 0.84 µs a populated page.
 *   gcc -O2 -o /tmp/trap-costs bench/trap-costs.c && taskset -c 1 /tmp/trap-costs
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e9 + t.tv_nsec;
}

int main(void) {
  const int calls = 200000;
  double a = now();
  for (int i = 0; i < calls; i++) syscall(SYS_getppid);
  printf("syscall (getppid): %.2f us\n", (now() - a) / calls / 1000);
  const size_t page = 4096, pages = 20000;
  char *m = mmap(0, page * pages, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  a = now();
  for (size_t i = 0; i < pages; i++) m[i * page] = 1;
  printf("first touch of a page (a minor fault): %.2f us\n", (now() - a) / pages / 1000);
  a = now();
  for (size_t i = 0; i < pages; i++) m[i * page] = 2;
  printf("second touch: %.3f us\n", (now() - a) / pages / 1000);
  a = now();
  char *p = mmap(0, page * pages, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  printf("MAP_POPULATE: %.2f us a page\n", (now() - a) / pages / 1000);
  return m == MAP_FAILED || p == MAP_FAILED;
}

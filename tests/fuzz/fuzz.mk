# fuzz.mk - builds the libFuzzer targets of tests/fuzz/ with clang.
#
# Run by "make fuzz" (Makefile.am), which passes the compiler, the flags
# and the library sources of the configured build.  Objects and targets go
# to $(OUT) in the build directory, apart from the gcc build, so the fuzz
# build needs no second configure and works in and out of the source tree.
# GNU make.

OUT	?= fuzz-build
FUZZ_CFLAGS = -g -O1 -fno-omit-frame-pointer \
	-fsanitize=fuzzer-no-link,address,undefined \
	-fno-sanitize-recover=undefined -DPACKAGE_VERSION='"fuzz"'
FUZZ_LDFLAGS = -fsanitize=fuzzer,address,undefined

LIB_C	:= $(filter %.c,$(LIB_SOURCES))
LIB_OBJ	:= $(addprefix $(OUT)/obj/,$(notdir $(LIB_C:.c=.o)))
BINS	:= $(addprefix $(OUT)/fuzz_,$(TARGETS))

vpath %.c $(srcdir)/src $(builddir)/src $(srcdir)/tests/fuzz

all: $(BINS)

$(OUT)/obj/%.o: %.c
	@mkdir -p $(OUT)/obj
	@echo "  CLANG    $@"
	@$(CLANG) $(CPPFLAGS) $(CFLAGS) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<

$(OUT)/libftx-fuzz.a: $(LIB_OBJ)
	@rm -f $@
	@$(AR) cr $@ $(LIB_OBJ)

$(OUT)/fuzz_%: $(OUT)/obj/fuzz_%.o $(OUT)/obj/fuzzlib.o $(OUT)/libftx-fuzz.a
	@echo "  CCLD     $@"
	@$(CLANG) $(FUZZ_LDFLAGS) -o $@ $< $(OUT)/obj/fuzzlib.o \
	    $(OUT)/libftx-fuzz.a $(LIBS)

.PHONY: all
.SECONDARY:

-include $(LIB_OBJ:.o=.d) $(OUT)/obj/fuzzlib.d $(BINS:$(OUT)/%=$(OUT)/obj/%.d)

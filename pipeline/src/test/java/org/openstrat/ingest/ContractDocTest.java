package org.openstrat.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openstrat.testing.SparkTestBase;

/**
 * The extract contract is declared once, in {@link Extract}: the schemas come from it, and
 * docs/data-contract.md must say the same (columns in order, keys in bold, which columns are
 * required), so a change to one without the other fails here.
 */
class ContractDocTest {
  /** docs/data-contract.md, "Extracts": extract -> its columns as written, keys as **name**. */
  static Map<String, String> documented() throws IOException {
    Map<String, String> m = new LinkedHashMap<>();
    boolean in = false;
    for (String line : Files.readAllLines(SparkTestBase.repoRoot().resolve("docs/data-contract.md"))) {
      if (line.startsWith("## ")) {
        in = line.equals("## Extracts");
      } else if (in && line.startsWith("| ") && !line.startsWith("| extract ")) {
        String[] cells = line.split("\\|");
        m.put(cells[1].trim(), cells[2].trim());
      }
    }
    return m;
  }

  @Test
  void theDocumentedColumnsAndKeysAreTheDeclaredOnes() throws IOException {
    Map<String, String> declared = new LinkedHashMap<>();
    for (Extract e : Extract.values()) {
      List<String> cols = new ArrayList<>();
      for (ContractColumn c : e.contract()) {
        // The key's first column is bold; practices' (practice_code, start_date) is spelled out
        // in the notes.
        boolean bold = !e.key().isEmpty() && e.key().get(0).equals(c.name());
        cols.add(bold ? "**" + c.name() + "**" : c.name());
      }
      declared.put(e.fileName(), String.join(", ", cols));
    }
    assertThat(documented()).isEqualTo(declared);
  }

  @Test
  void requiredColumnsFollowTheDocumentedRule() {
    // docs/data-contract.md: "Required (a null is MISSING_VALUE): every key column, nhs_number,
    // every date column except end_date, registration_end, date_of_death, discharge_date; ..."
    Set<String> optionalDates = Set.of("end_date", "registration_end", "date_of_death", "discharge_date");
    Set<String> named = Set.of("practice_code", "snomed_code", "dmd_code", "admission_method",
        "primary_diagnosis", "attendance_status", "department_type", "service_type", "la_code",
        "submission_date", "imd_decile");
    for (Extract e : Extract.values()) {
      for (ContractColumn c : e.contract()) {
        boolean rule = e.key().contains(c.name()) || c.name().equals("nhs_number")
            || (c.kind() == ContractColumn.Kind.DATE && !optionalDates.contains(c.name()))
            || named.contains(c.name());
        assertThat(c.required()).as(e.fileName() + "." + c.name()).isEqualTo(rule);
      }
    }
  }

  @Test
  void theTypedSchemaIsReadFromEachColumnsCheck() {
    for (Extract e : Extract.values()) {
      assertThat(e.typedSchema().fieldNames()).containsExactlyElementsOf(e.columns());
      for (ContractColumn c : e.contract()) {
        assertThat(e.typedSchema().apply(c.name()).dataType()).as(c.name()).isEqualTo(c.typed());
        assertThat(e.rawSchema().apply(c.name()).dataType().typeName()).isEqualTo("string");
      }
    }
    assertThat(Extract.HOUSING.typedSchema().apply("lives_alone").dataType().typeName()).isEqualTo("boolean");
    assertThat(Extract.APC_SPELLS.typedSchema().apply("secondary_diagnoses").dataType().simpleString())
        .isEqualTo("array<string>");
    assertThat(Extract.LSOA_DEPRIVATION.typedSchema().apply("imd_decile").dataType().typeName())
        .isEqualTo("integer");
  }
}

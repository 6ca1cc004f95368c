// Start-up script of the kernel tests: independent of the notebook helper library.
import java.awt.image.BufferedImage;
import tech.tablesaw.api.*;

org.aelab.kernel.Display.registerHtml(Table.class,
        t -> "<table class=\"fixture\" data-rows=\"" + t.rowCount() + "\"></table>");

// Deliberately broken: the kernel must report it on the first cell and run the rest.
int broken = noSuchThing + 1;

int startupValue = 7;
